import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase, quoteIdent } from '../src/db/database.js';
import { MIGRATIONS_DIR, type Migration, MigrationError, migrate, readMigrations } from '../src/db/migrate.js';
import type { SqlSession } from '../src/db/sql-session.js';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './helpers/db.js';

/**
 * `Database.migrate()` reads the migration files first, and that file I/O
 * staggers concurrent calls so they seldom really overlap. The concurrency tests
 * hand `Database.migrate()` a list read in advance instead, so that every caller
 * reaches the lock at the same moment.
 */
const preload = vi.hoisted(() => ({ migrations: undefined as Migration[] | undefined }));
vi.mock('../src/db/migrate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/db/migrate.js')>();
  return {
    ...real,
    migrate: (session: SqlSession, migrations?: Migration[]) => real.migrate(session, migrations ?? preload.migrations),
  };
});

/** The migration folders on disk, read independently of readMigrations(). */
const MIGRATION_DIRS = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function fakeMigration(name: string, sql: string): Migration {
  return { name, sql, checksum: sha256(sql) };
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date | null;
  applied_steps_count: number;
}

const migrationRows = (db: Database) => db.withSession((s) => s.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name'));

const relationExists = (db: Database, name: string) =>
  db.withSession(async (s) => {
    const rows = await s.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE ns.nspname = current_schema() AND c.relname = $1`,
      [name],
    );
    return rows[0]?.n === 1;
  });

const typeExists = (db: Database, name: string) =>
  db.withSession(async (s) => {
    const rows = await s.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_type t JOIN pg_namespace ns ON ns.oid = t.typnamespace
        WHERE ns.nspname = current_schema() AND t.typname = $1`,
      [name],
    );
    return rows[0]?.n === 1;
  });

it('finds the migration folders (guards against comparing two empty lists)', async () => {
  expect(MIGRATION_DIRS.length).toBeGreaterThan(0);
  expect((await readMigrations()).map((m) => m.name)).toEqual(MIGRATION_DIRS);
});

describe('on an up-to-date database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('applies nothing the second time', async () => {
    expect(await db.migrate()).toEqual([]);
    expect(await db.migrate()).toEqual([]);
    expect((await migrationRows(db)).map((r) => r.migration_name)).toEqual(MIGRATION_DIRS);
  });

  it('records one finished _prisma_migrations row per migration folder, with the sha256 of its migration.sql', async () => {
    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(MIGRATION_DIRS);
    for (const name of MIGRATION_DIRS) {
      const row = rows.find((r) => r.migration_name === name);
      expect(row, name).toMatchObject({
        checksum: sha256(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'))),
        rolled_back_at: null,
        logs: null,
        applied_steps_count: 1,
      });
      expect(row?.finished_at, `${name}.finished_at`).toBeInstanceOf(Date);
      expect(row?.started_at, `${name}.started_at`).toBeInstanceOf(Date);
      expect(row?.id, `${name}.id`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("gives _prisma_migrations exactly Prisma Migrate's columns, so the Prisma CLI can take over", async () => {
    const columns = await db.withSession((s) =>
      s.query<{ line: string }>(
        `SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = current_schema() AND c.relname = '_prisma_migrations' AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
      ),
    );
    expect(columns.map((c) => c.line)).toEqual([
      'id character varying(36) NOT NULL',
      'checksum character varying(64) NOT NULL',
      'finished_at timestamp with time zone',
      'migration_name character varying(255) NOT NULL',
      'logs text',
      'rolled_back_at timestamp with time zone',
      'started_at timestamp with time zone NOT NULL DEFAULT now()',
      'applied_steps_count integer NOT NULL DEFAULT 0',
    ]);
    const pk = await db.withSession((s) =>
      s.query<{ cols: string }>(
        `SELECT pg_get_constraintdef(con.oid) AS cols FROM pg_constraint con
           JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relname = '_prisma_migrations' AND con.contype = 'p'`,
      ),
    );
    expect(pk.map((p) => p.cols)).toEqual(['PRIMARY KEY (id)']);
  });

  it('rejects a migration whose migration.sql changed after it was applied, and changes nothing', async () => {
    const before = await migrationRows(db);
    const migrations = await readMigrations();
    const edited = migrations.map((m, i) => (i === 0 ? fakeMigration(m.name, `${m.sql}\n-- edited after it was applied\n`) : m));
    const name = migrations[0]?.name ?? '';
    const error = await db.withSession((s) => migrate(s, edited)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toMatch(/checksum/);
    expect(await migrationRows(db)).toEqual(before);
    // The lock was released: the unchanged list is still accepted.
    expect(await db.withSession((s) => migrate(s, migrations))).toEqual([]);
  });

  it('rejects a migration recorded as started but never finished', async () => {
    const name = MIGRATION_DIRS[0] ?? '';
    await db.withSession((s) => s.query('UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1', [name]));
    try {
      const error = await db.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(/never finished/);
    } finally {
      await db.withSession((s) => s.query('UPDATE "_prisma_migrations" SET finished_at = started_at WHERE migration_name = $1', [name]));
    }
    expect(await db.migrate()).toEqual([]);
  });
});

describe('a failing migration', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  const good = fakeMigration(
    '99990101000000_good',
    'CREATE TABLE "good_table" ("id" INTEGER NOT NULL);\nCREATE INDEX "good_table_id_idx" ON "good_table"("id");',
  );
  const broken = fakeMigration(
    '99990102000000_broken',
    [
      `CREATE TYPE "half_done_enum" AS ENUM ('a', 'b');`,
      `CREATE TABLE "half_done_table" ("id" INTEGER NOT NULL, CONSTRAINT "half_done_table_pkey" PRIMARY KEY ("id"));`,
      `ALTER TABLE "bindings" ADD COLUMN "half_done_column" TEXT;`,
      `INSERT INTO "server_secrets" ("name", "value") VALUES ('half_done_secret', 'x');`,
      `SELECT * FROM "no_such_table";`,
      `CREATE TABLE "never_reached" ("id" INTEGER);`,
    ].join('\n'),
  );

  it('is rolled back completely, while the good migration before it stays applied', async () => {
    const real = await readMigrations();
    const error = await db.withSession((s) => migrate(s, [...real, good, broken])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(broken.name);
    expect((error as Error).message).toContain('no_such_table');

    // Each migration commits on its own: the good one is in, with its row.
    expect(await relationExists(db, 'good_table')).toBe(true);
    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual([...MIGRATION_DIRS, good.name]);

    // Nothing of the broken one survives.
    expect(await typeExists(db, 'half_done_enum')).toBe(false);
    expect(await relationExists(db, 'half_done_table')).toBe(false);
    expect(await relationExists(db, 'half_done_table_pkey')).toBe(false);
    expect(await relationExists(db, 'never_reached')).toBe(false);
    const leftovers = await db.withSession((s) =>
      s.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'bindings' AND column_name = 'half_done_column'`,
      ),
    );
    expect(leftovers).toEqual([]);
    expect(await db.prisma.serverSecret.findMany({ where: { name: 'half_done_secret' } })).toEqual([]);
  });

  it('is rolled back together with its script when its _prisma_migrations row cannot be written', async () => {
    // A one-query script is atomic by itself; what the explicit transaction adds
    // is that script and bookkeeping row commit together. A name longer than
    // the varchar(255) column makes the INSERT after a successful script fail.
    const real = await readMigrations();
    const unrecordable = fakeMigration(`99990101500000_${'x'.repeat(260)}`, 'CREATE TABLE "orphan_table" ("id" INTEGER);');
    const error = await db.withSession((s) => migrate(s, [...real, good, unrecordable])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(unrecordable.name);
    expect(await relationExists(db, 'orphan_table')).toBe(false);
    expect((await migrationRows(db)).map((r) => r.migration_name)).toEqual([...MIGRATION_DIRS, good.name]);
  });

  it('leaves the database usable and the lock free: the same list without it applies nothing more', async () => {
    const real = await readMigrations();
    expect(await db.withSession((s) => migrate(s, [...real, good]))).toEqual([]);
    expect(await db.prisma.serverSecret.count()).toBeGreaterThanOrEqual(0);
    // Fixed, it applies.
    const fixed = fakeMigration(broken.name, broken.sql.replace('SELECT * FROM "no_such_table";', ''));
    expect(await db.withSession((s) => migrate(s, [...real, good, fixed]))).toEqual([broken.name]);
    expect(await relationExists(db, 'never_reached')).toBe(true);
  });
});

/** A few extra migrations, so that concurrent callers can interleave between migrations too. */
async function migrationsForConcurrency(): Promise<Migration[]> {
  return [
    ...(await readMigrations()),
    fakeMigration('99990201000000_extra_one', 'CREATE TABLE "extra_one" ("id" INTEGER NOT NULL);'),
    fakeMigration('99990202000000_extra_two', 'CREATE TABLE "extra_two" ("id" INTEGER NOT NULL);'),
  ];
}

async function expectEachAppliedOnce(db: Database, results: string[][], all: Migration[]) {
  const names = all.map((m) => m.name);
  // Between them the callers applied every migration, none of them twice.
  expect(results.flat().sort()).toEqual([...names].sort());
  const counts = await db.withSession((s) =>
    s.query<{ migration_name: string; n: number }>(
      'SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name',
    ),
  );
  expect(counts).toEqual(names.map((name) => ({ migration_name: name, n: 1 })));
  expect(await relationExists(db, 'extra_two')).toBe(true);
}

describe.skipIf(!TEST_DATABASE_URL)('several gateway instances starting together on one Postgres schema', () => {
  it('apply each migration exactly once, and all of them succeed', async () => {
    const url = TEST_DATABASE_URL ?? '';
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const instances = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url, schema })));
    const [first] = instances;
    if (!first) throw new Error('no instance');
    await first.withSession((s) => s.exec(`CREATE SCHEMA ${quoteIdent(schema)}`));
    try {
      const all = await migrationsForConcurrency();
      preload.migrations = all;
      const results = await Promise.all(instances.map((db) => db.migrate()));
      await expectEachAppliedOnce(first, results, all);
    } finally {
      preload.migrations = undefined;
      await first.withSession((s) => s.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`));
      await Promise.all(instances.map((db) => db.close()));
    }
  });
});

describe.skipIf(!!TEST_DATABASE_URL)('concurrent migrate() calls on one PGlite instance', () => {
  it('apply each migration exactly once, and all of them succeed', async () => {
    const db = await openDatabase({ dataDir: 'memory' });
    try {
      const all = await migrationsForConcurrency();
      preload.migrations = all;
      const results = await Promise.all([db.migrate(), db.migrate(), db.migrate()]);
      await expectEachAppliedOnce(db, results, all);
    } finally {
      preload.migrations = undefined;
      await db.close();
    }
  });
});
