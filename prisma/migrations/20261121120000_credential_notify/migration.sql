-- Credential change notifications (not expressible in schema.prisma): gateway
-- processes cache verified credentials and drop the cache on every
-- notification on "credentials_changed", whoever changed the rows (a gateway,
-- the operator CLI on its own connection, a script in psql). NOTIFY is sent
-- when the changing transaction commits, and never when it rolls back.
-- The payload is the schema of the changed table, so that several schemas on
-- one server do not empty each other's caches.
CREATE FUNCTION "credentials_changed_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('credentials_changed', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;

-- Statement-level: one notification per statement, even one that changed no
-- row (harmless: the cache refills); Postgres folds identical notifications of
-- one transaction into one.
CREATE TRIGGER "accounts_credentials_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "accounts"
  FOR EACH STATEMENT EXECUTE FUNCTION "credentials_changed_notify"();
CREATE TRIGGER "api_keys_credentials_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "api_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "credentials_changed_notify"();
