/**
 * DB_STATEMENT_TIMEOUT_MS: every database session gets a statement_timeout,
 * so a slow statement fails instead of holding a request (and a connection)
 * forever; a GraphQL request that hits one gets a masked error, not a hang.
 * Migrations are exempt. PGlite takes the setting but cannot enforce it (it
 * has no timer interrupts), so the enforcement tests run on Postgres only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Logger } from '../../src/platform/logger.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { backend, openTestDatabase, type TestDatabase } from '../helpers/db.js';

const TIMEOUT_MS = 300;
const onPostgres = backend === 'postgres';

const errors: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
const logger: Logger = { debug() {}, info() {}, warn() {}, error: (msg, fields) => void errors.push({ msg, fields }) };

let t: TestApp;
let off: TestDatabase;

beforeAll(async () => {
  [t, off] = await Promise.all([
    startTestApp({ seed: 'statement-timeout', statementTimeoutMs: TIMEOUT_MS, logger }),
    openTestDatabase({ statementTimeoutMs: 0 }),
  ]);
});

afterAll(async () => {
  await Promise.all([t?.close(), off?.close()]);
});

const showTimeout = async (db: TestDatabase) => (await db.prisma.$queryRaw<Array<{ statement_timeout: string }>>`SHOW statement_timeout`)[0]!.statement_timeout;

describe('the setting', () => {
  it('is on every session: Prisma queries and the sessions for scripts', async () => {
    expect(await showTimeout(t.db)).toBe(`${TIMEOUT_MS}ms`);
    const [row] = await t.db.withSession((s) => s.query<{ statement_timeout: string }>('SHOW statement_timeout'));
    expect(row!.statement_timeout).toBe(`${TIMEOUT_MS}ms`);
  });

  it('0 leaves the server default (no timeout)', async () => {
    expect(await showTimeout(off)).toBe('0');
  });

  it('does not apply to migrations, and the session has it back afterwards', async () => {
    const slow = { name: '99990101000000_slow_step', sql: `SELECT pg_sleep(${(2 * TIMEOUT_MS) / 1000});`, checksum: 'test' };
    const applied = await t.db.withSession(async (s) => {
      const names = await migrate(s, [slow]);
      const [row] = await s.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(row!.statement_timeout).toBe(`${TIMEOUT_MS}ms`);
      return names;
    });
    expect(applied).toEqual([slow.name]);
    expect(await showTimeout(t.db)).toBe(`${TIMEOUT_MS}ms`);
  });
});

describe.skipIf(!onPostgres)('on Postgres', () => {
  it('a slow statement through Prisma fails with a timeout, and the pool keeps working', async () => {
    const started = performance.now();
    await expect(t.db.prisma.$queryRaw`SELECT pg_sleep(5)`).rejects.toThrow(/statement timeout/);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await t.db.prisma.$queryRaw`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });

  it('a GraphQL request stuck behind a slow statement gets a masked error quickly, and the cause is logged', async () => {
    const service = t.scenario.a.services[0]!.sid;
    errors.length = 0;
    // Another session holds the bindings table: the request's statement waits for it.
    const { result, ms } = await t.db.withSession(async (s) => {
      await s.exec('BEGIN');
      try {
        await s.exec('LOCK TABLE bindings IN ACCESS EXCLUSIVE MODE');
        const started = performance.now();
        const result = await t.graphql(`{ service(sid: "${service}") { sid bindings(first: 5) { nodes { sid } } } }`);
        return { result, ms: performance.now() - started };
      } finally {
        await s.exec('ROLLBACK');
      }
    });
    expect(ms).toBeLessThan(5_000);
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      // The service and its first page are read by one statement (graphql/loading/prefetch.ts): the error is the service's.
      expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['service'] }),
    ]);
    expect(JSON.stringify(result.body)).not.toMatch(/timeout|cancel|SELECT|prisma|statement/i);
    const logged = errors.find((e) => e.msg === 'unexpected error in a resolver');
    expect(String((logged?.fields?.err as Error | undefined)?.message)).toMatch(/statement timeout/);
    // Once the lock is gone the same request works.
    const again = await t.graphql(`{ service(sid: "${service}") { bindings(first: 5) { nodes { sid } } } }`);
    expect(again.body.errors).toBeUndefined();
  });
});
