-- Binding events (not expressible in schema.prisma): every insert, update and
-- delete of a binding, whoever makes it (either front door, an import page, a
-- prune batch, another gateway process, a script in psql), is notified on
-- "binding_events" by the same transaction, so it is delivered when that
-- transaction commits, in commit order, and never when it rolls back. The
-- GraphQL subscription `bindingEvents` (src/events/hub.ts) fans them out.
--
-- The payload is JSON: {"schema", "kind", "at", "row"} where "row" is the
-- binding's row (to_jsonb, column names; for DELETED the row as it was).
-- NOTIFY payloads must stay under 8000 bytes; a row too large for that (only
-- possible with identities, endpoints or message types far beyond what the
-- gateway itself accepts) is sent as {"sid", "account_sid", "service_sid"} with
-- "truncated": true, and the gateway reads the rest (the row, or for a
-- deletion its audit row).
--
-- Statement-level with transition tables: one call per statement, not per row,
-- so bulk writes (import pages, prune batches) pay one set-based SELECT.
CREATE FUNCTION "binding_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE TG_OP WHEN 'INSERT' THEN 'REGISTERED' WHEN 'UPDATE' THEN 'UPDATED' ELSE 'DELETED' END;
  -- One instant per statement: its rows were written together.
  at text := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('binding_events', CASE WHEN octet_length(e.whole) < 7900 THEN e.whole
             ELSE json_build_object('schema', TG_TABLE_SCHEMA, 'kind', kind, 'at', at, 'truncated', true,
                    'row', json_build_object('sid', e.sid, 'account_sid', e.account_sid, 'service_sid', e.service_sid))::text END)
      FROM (SELECT r.sid, r.account_sid, r.service_sid,
                   json_build_object('schema', TG_TABLE_SCHEMA, 'kind', kind, 'at', at, 'row', to_jsonb(r))::text AS whole
              FROM old_rows r) AS e;
  ELSE
    PERFORM pg_notify('binding_events', CASE WHEN octet_length(e.whole) < 7900 THEN e.whole
             ELSE json_build_object('schema', TG_TABLE_SCHEMA, 'kind', kind, 'at', at, 'truncated', true,
                    'row', json_build_object('sid', e.sid, 'account_sid', e.account_sid, 'service_sid', e.service_sid))::text END)
      FROM (SELECT r.sid, r.account_sid, r.service_sid,
                   json_build_object('schema', TG_TABLE_SCHEMA, 'kind', kind, 'at', at, 'row', to_jsonb(r))::text AS whole
              FROM new_rows r) AS e;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "bindings_events_insert" AFTER INSERT ON "bindings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_events_notify"();
CREATE TRIGGER "bindings_events_delete" AFTER DELETE ON "bindings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_events_notify"();
CREATE TRIGGER "bindings_events_update" AFTER UPDATE ON "bindings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "binding_events_notify"();
