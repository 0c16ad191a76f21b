import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperatorError } from '../platform/operator-error.js';
import type { SqlSession } from './sql-session.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/** Arbitrary constant shared by every gateway process: serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 72_707_369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_\w+$/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// Prisma Migrate's own bookkeeping table, column for column, so `prisma migrate
// status/deploy` keep working wherever Prisma's schema engine is available.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends OperatorError {
  override name = 'MigrationError';
}

/**
 * Applies pending migrations in name order, each in its own transaction with
 * its `_prisma_migrations` row, under a session advisory lock so that several
 * instances starting together apply each migration exactly once.
 * Returns the names it applied.
 */
export async function migrate(session: SqlSession, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  // No statement timeout (DB_STATEMENT_TIMEOUT_MS) for the lock wait and the
  // migrations themselves; the session gets its own setting back afterwards.
  const [saved] = await session.query<{ timeout: string }>("SELECT current_setting('statement_timeout') AS timeout");
  await session.exec('SET statement_timeout = 0');
  try {
    return await migrateLocked(session, all);
  } finally {
    await session.query("SELECT set_config('statement_timeout', $1, false)", [saved!.timeout]);
  }
}

async function migrateLocked(session: SqlSession, all: Migration[]): Promise<string[]> {
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const m of all) {
      const row = applied.get(m.name);
      if (row) {
        if (row.finished_at === null) {
          throw new MigrationError(`migration ${m.name} is recorded as started but never finished; resolve it by hand`);
        }
        if (row.checksum !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied (checksum differs)`);
        }
        continue;
      }
      await session.exec('BEGIN');
      try {
        await session.exec(m.sql);
        await session.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await session.exec('COMMIT');
      } catch (err) {
        await session.exec('ROLLBACK');
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
