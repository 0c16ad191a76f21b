-- CreateTable
CREATE TABLE "binding_counts" (
    "service_sid" TEXT NOT NULL,
    "binding_type" "binding_type" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "binding_counts_pkey" PRIMARY KEY ("service_sid","binding_type")
);

-- AddForeignKey
ALTER TABLE "binding_counts" ADD CONSTRAINT "binding_counts_service_sid_fkey" FOREIGN KEY ("service_sid") REFERENCES "services"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- Maintained counts (not expressible in schema.prisma): statement-level triggers
-- on "bindings" keep "binding_counts" exact in the same transaction as every
-- insert, delete and update, whatever writes them (the gateway, COPY, cascades).
CREATE FUNCTION "binding_counts_maintain"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "binding_counts" AS c SET "count" = c."count" - d.n
      FROM (SELECT "service_sid", "binding_type", count(*)::int AS n FROM old_rows GROUP BY 1, 2) AS d
     WHERE c."service_sid" = d."service_sid" AND c."binding_type" = d."binding_type";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "binding_counts" AS c ("service_sid", "binding_type", "count")
    SELECT "service_sid", "binding_type", count(*)::int FROM new_rows GROUP BY 1, 2
    ON CONFLICT ("service_sid", "binding_type") DO UPDATE SET "count" = c."count" + EXCLUDED."count";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "bindings_counts_insert" AFTER INSERT ON "bindings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_counts_maintain"();
CREATE TRIGGER "bindings_counts_delete" AFTER DELETE ON "bindings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_counts_maintain"();
CREATE TRIGGER "bindings_counts_update" AFTER UPDATE ON "bindings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_counts_maintain"();

-- Backfill what exists already.
INSERT INTO "binding_counts" ("service_sid", "binding_type", "count")
SELECT "service_sid", "binding_type", count(*)::int FROM "bindings" GROUP BY 1, 2;
