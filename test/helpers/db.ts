import { randomBytes } from 'node:crypto';
import { type Database, type DatabaseOptions, openDatabase, quoteIdent } from '../../src/db/database.js';

/** The suite runs on PGlite by default and on the Postgres in DATABASE_URL when it is set. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;
export const backend = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends Database {
  /** The Postgres schema this test database lives in (Postgres only). */
  schema?: string;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a
 * schema of its own in DATABASE_URL's database (dropped again by `close`).
 */
export async function openTestDatabase(options: Pick<DatabaseOptions, 'onQuery' | 'statementTimeoutMs'> = {}): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const db = await openDatabase({ dataDir: 'memory', ...options });
    await db.migrate();
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, ...options });
  await db.withSession((s) => s.exec(`CREATE SCHEMA ${quoteIdent(schema)}`));
  await db.migrate();
  return {
    ...db,
    schema,
    async close() {
      await db.withSession((s) => s.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`));
      await db.close();
    },
  };
}
