-- Binding statistics (Service.bindingStats): maintained counters per service,
-- exact in the same transaction as every write, like "binding_counts".

-- CreateTable
CREATE TABLE "binding_facet_counts" (
    "service_sid" TEXT NOT NULL,
    "facet" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "binding_facet_counts_pkey" PRIMARY KEY ("service_sid","facet","key")
);

-- CreateTable
CREATE TABLE "binding_day_counts" (
    "service_sid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "binding_day_counts_pkey" PRIMARY KEY ("service_sid","kind","day")
);

-- AddForeignKey
ALTER TABLE "binding_facet_counts" ADD CONSTRAINT "binding_facet_counts_service_sid_fkey" FOREIGN KEY ("service_sid") REFERENCES "services"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "binding_day_counts" ADD CONSTRAINT "binding_day_counts_service_sid_fkey" FOREIGN KEY ("service_sid") REFERENCES "services"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- Maintained counters (not expressible in schema.prisma): statement-level
-- triggers on "bindings" add each statement's net change, whatever writes the
-- rows (the gateway, COPY, cascades, a credential's ON DELETE SET NULL):
--   binding_facet_counts: ('credential', credential_sid or '' for none) and
--     ('message_type', each distinct message type of the binding);
--   binding_day_counts: ('created', date_created's UTC day) and
--     ('updated', date_updated's UTC day).
-- Only services that still exist are counted: when a service is deleted its
-- counters go first (ON DELETE CASCADE) and its bindings' delete must not
-- bring them back. Rows are never deleted (a count may stay at 0; readers skip zeros), and each
-- statement writes its counter rows in key order, so concurrent writers lock
-- them in the same order. The transition tables are named by TG_OP, so the
-- query is built once and run with EXECUTE (which sees them too).
CREATE FUNCTION "binding_stats_maintain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  src text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT r.*, 1 AS sign FROM new_rows r'
    WHEN 'DELETE' THEN 'SELECT r.*, -1 AS sign FROM old_rows r'
    ELSE 'SELECT r.*, 1 AS sign FROM new_rows r UNION ALL SELECT r.*, -1 AS sign FROM old_rows r'
  END;
BEGIN
  EXECUTE format($q$
    WITH r AS MATERIALIZED (%s)
    INSERT INTO "binding_facet_counts" AS c ("service_sid", "facet", "key", "count")
    SELECT d."service_sid", d."facet", d."key", sum(d."sign")::int
      FROM (SELECT r."service_sid", 'credential' AS "facet", COALESCE(r."credential_sid", '') AS "key", r."sign" FROM r
            UNION ALL
            SELECT r."service_sid", 'message_type', m."key", r."sign"
              FROM r CROSS JOIN LATERAL (SELECT DISTINCT unnest(r."message_types") AS "key") AS m) AS d
      JOIN "services" AS s ON s."sid" = d."service_sid"
     GROUP BY 1, 2, 3 HAVING sum(d."sign") <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT ("service_sid", "facet", "key") DO UPDATE SET "count" = c."count" + EXCLUDED."count"
  $q$, src);
  EXECUTE format($q$
    WITH r AS MATERIALIZED (%s)
    INSERT INTO "binding_day_counts" AS c ("service_sid", "kind", "day", "count")
    SELECT d."service_sid", d."kind", d."day", sum(d."sign")::int
      FROM (SELECT r."service_sid", 'created' AS "kind", r."date_created"::date AS "day", r."sign" FROM r
            UNION ALL
            SELECT r."service_sid", 'updated', r."date_updated"::date, r."sign" FROM r) AS d
      JOIN "services" AS s ON s."sid" = d."service_sid"
     GROUP BY 1, 2, 3 HAVING sum(d."sign") <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT ("service_sid", "kind", "day") DO UPDATE SET "count" = c."count" + EXCLUDED."count"
  $q$, src);
  RETURN NULL;
END
$$;

CREATE TRIGGER "bindings_stats_insert" AFTER INSERT ON "bindings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_stats_maintain"();
CREATE TRIGGER "bindings_stats_delete" AFTER DELETE ON "bindings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_stats_maintain"();
CREATE TRIGGER "bindings_stats_update" AFTER UPDATE ON "bindings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_stats_maintain"();

-- Backfill what exists already.
INSERT INTO "binding_facet_counts" ("service_sid", "facet", "key", "count")
SELECT "service_sid", 'credential', COALESCE("credential_sid", ''), count(*)::int FROM "bindings" GROUP BY 1, 3;
INSERT INTO "binding_facet_counts" ("service_sid", "facet", "key", "count")
SELECT b."service_sid", 'message_type', m."key", count(*)::int
  FROM "bindings" b CROSS JOIN LATERAL (SELECT DISTINCT unnest(b."message_types") AS "key") AS m GROUP BY 1, 3;
INSERT INTO "binding_day_counts" ("service_sid", "kind", "day", "count")
SELECT "service_sid", 'created', "date_created"::date, count(*)::int FROM "bindings" GROUP BY 1, 3;
INSERT INTO "binding_day_counts" ("service_sid", "kind", "day", "count")
SELECT "service_sid", 'updated', "date_updated"::date, count(*)::int FROM "bindings" GROUP BY 1, 3;
