/**
 * Every pooled Postgres connection plans each statement once (generic plans)
 * and never JIT-compiles; an operator who names either setting in
 * DATABASE_URL's `options` or in PGOPTIONS keeps their own value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { sessionSetup } from '../src/db/session-settings.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { backend, TEST_DATABASE_URL } from './helpers/db.js';

const BASE_URL = 'postgresql://gw:secret@db.example:5432/bindings';

describe('sessionSetup', () => {
  it('sets generic plans and no JIT by default, with the statement timeout when given', () => {
    expect(sessionSetup(BASE_URL, undefined, {})).toBe('SET plan_cache_mode = force_generic_plan; SET jit = off');
    expect(sessionSetup(BASE_URL, 2500, {})).toBe('SET plan_cache_mode = force_generic_plan; SET jit = off; SET statement_timeout = 2500');
  });

  it("leaves a setting named in the URL's options or in PGOPTIONS to the operator", () => {
    expect(sessionSetup(`${BASE_URL}?options=-c%20plan_cache_mode%3Dauto`, undefined, {})).toBe('SET jit = off');
    expect(sessionSetup(BASE_URL, undefined, { PGOPTIONS: '-c jit=on' })).toBe('SET plan_cache_mode = force_generic_plan');
    expect(sessionSetup(`${BASE_URL}?options=-cjit%3Don`, 100, { PGOPTIONS: '--plan_cache_mode=auto' })).toBe('SET statement_timeout = 100');
  });

  it('is not fooled by the names elsewhere in the URL', () => {
    expect(sessionSetup('postgresql://jit:plan_cache_mode@jit.example/jit', undefined, {})).toBe('SET plan_cache_mode = force_generic_plan; SET jit = off');
    expect(sessionSetup('not a url', undefined, {})).toBe('SET plan_cache_mode = force_generic_plan; SET jit = off');
  });
});

describe.skipIf(backend !== 'postgres')('on Postgres', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'session-settings' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const show = async (db: TestApp['db'], name: 'plan_cache_mode' | 'jit') =>
    (await db.prisma.$queryRawUnsafe<Array<Record<string, string>>>(`SHOW ${name}`))[0]![name];

  it('Prisma and script sessions get the settings', async () => {
    expect(await show(t.db, 'plan_cache_mode')).toBe('force_generic_plan');
    expect(await show(t.db, 'jit')).toBe('off');
    const [row] = await t.db.withSession((s) => s.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode'));
    expect(row!.plan_cache_mode).toBe('force_generic_plan');
  });

  it('a page of bindings runs on the generic plan, never re-planned per execution', async () => {
    const service = t.scenario.a.services[0]!.sid;
    const query = `{ service(sid: "${service}") { bindings(first: 2) { nodes { sid } } } }`;
    // One request at a time: the pool hands the same idle connection back each time.
    for (let i = 0; i < 3; i++) expect((await t.graphql(query)).body.errors).toBeUndefined();
    const [plans] = await t.db.prisma.$queryRaw<Array<{ generic: number; custom: number }>>`
      SELECT sum(generic_plans)::int AS generic, sum(custom_plans)::int AS custom
      FROM pg_prepared_statements WHERE statement LIKE '%LEFT JOIN LATERAL%'`;
    expect(plans!.custom).toBe(0);
    expect(plans!.generic).toBeGreaterThanOrEqual(3);
  });

  it("keeps the operator's own value from the URL", async () => {
    const url = new URL(TEST_DATABASE_URL!);
    url.searchParams.set('options', '-c plan_cache_mode=auto');
    const db = await openDatabase({ databaseUrl: url.toString() });
    try {
      expect(await show(db, 'plan_cache_mode')).toBe('auto');
      expect(await show(db, 'jit')).toBe('off');
    } finally {
      await db.close();
    }
  });
});
