/**
 * Verified credentials are cached (no SQL, no hash check for a credential seen
 * before) only while the database notifies every change to accounts and API
 * keys: a revoked key, a rotated token, a deleted account stop working at
 * once, also when another connection (the operator CLI) makes the change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { type Database, listenerApplicationName, openDatabase } from '../src/db/database.js';
import { listenPostgres } from '../src/db/notifications.js';
import { createAccount, createApiKey, revokeApiKey, rotateAuthToken } from '../src/domain/accounts.js';
import type { Caller } from '../src/domain/caller.js';
import { createLogger } from '../src/platform/logger.js';
import { CREDENTIALS_CHANNEL, CredentialCache } from '../src/security/credential-cache.js';
import { GRAPHQL_URL, startTestApp, type TestApp } from './helpers/app.js';
import { backend, TEST_DATABASE_URL } from './helpers/db.js';
import { basicAuth } from './helpers/server.js';

const silent = createLogger('silent');

/** A promise with its resolve at hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const caller = (n: number): Caller => ({
  accountSid: `AC${String(n).padStart(32, '0')}`,
  credentialSid: `AC${String(n).padStart(32, '0')}`,
  scope: 'read-write',
});

describe('CredentialCache', () => {
  it('answers a header seen before without the lookup, and keeps only successes', async () => {
    const cache = new CredentialCache();
    cache.setListening(true);
    const looked: string[] = [];
    const lookup = async (header: string) => {
      looked.push(header);
      return header === 'good' ? caller(1) : null;
    };
    expect(await cache.get('good', lookup)).toEqual(caller(1));
    expect(await cache.get('good', lookup)).toEqual(caller(1));
    expect(await cache.get('bad', lookup)).toBeNull();
    expect(await cache.get('bad', lookup)).toBeNull();
    expect(looked).toEqual(['good', 'bad', 'bad']);
  });

  it('neither answers nor stores while not listening, and forgets everything when listening stops or restarts', async () => {
    const cache = new CredentialCache();
    let lookups = 0;
    const lookup = async () => (lookups++, caller(1));
    await cache.get('h', lookup);
    await cache.get('h', lookup);
    expect([lookups, cache.size]).toEqual([2, 0]);

    cache.setListening(true);
    await cache.get('h', lookup);
    await cache.get('h', lookup);
    expect([lookups, cache.size]).toEqual([3, 1]);

    cache.setListening(false);
    expect(cache.size).toBe(0);
    await cache.get('h', lookup);
    expect(lookups).toBe(4);

    cache.setListening(true);
    await cache.get('h', lookup);
    cache.setListening(true); // a reconnection: notifications may have been missed
    await cache.get('h', lookup);
    expect(lookups).toBe(6);
  });

  it('does not store what a lookup read before an invalidation that overtook it', async () => {
    const cache = new CredentialCache();
    cache.setListening(true);
    const stale = deferred<Caller | null>();
    const inFlight = cache.get('h', () => stale.promise);
    cache.invalidate(); // the key was revoked while the lookup ran
    stale.resolve(caller(1));
    expect(await inFlight).toEqual(caller(1)); // this request was already under way
    expect(cache.size).toBe(0);
    let lookups = 0;
    await cache.get('h', async () => (lookups++, null));
    expect(lookups).toBe(1);
  });

  it('does not store what a lookup read before listening (re)started', async () => {
    const cache = new CredentialCache();
    cache.setListening(true);
    const stale = deferred<Caller | null>();
    const inFlight = cache.get('h', () => stale.promise);
    cache.setListening(false);
    cache.setListening(true);
    stale.resolve(caller(1));
    await inFlight;
    expect(cache.size).toBe(0);
  });

  it('stores a lookup that no invalidation overtook, even when others ran before it started', async () => {
    const cache = new CredentialCache();
    cache.setListening(true);
    cache.invalidate();
    const answer = deferred<Caller | null>();
    const inFlight = cache.get('h', () => answer.promise);
    answer.resolve(caller(1));
    await inFlight;
    expect(cache.size).toBe(1);
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new CredentialCache({ maxEntries: 3 });
    cache.setListening(true);
    const looked: string[] = [];
    const lookup = async (header: string) => (looked.push(header), caller(Number(header)));
    for (const h of ['1', '2', '3', '4']) await cache.get(h, lookup);
    expect(cache.size).toBe(3);
    looked.length = 0;
    for (const h of ['2', '3', '4', '1']) await cache.get(h, lookup);
    expect(looked).toEqual(['1']);
  });

  it('hands out callers that cannot be changed', async () => {
    const cache = new CredentialCache();
    cache.setListening(true);
    await cache.get('h', async () => caller(1));
    const cached = await cache.get('h', async () => null);
    expect(Object.isFrozen(cached)).toBe(true);
  });
});

describe(`the gateway's credential cache (${backend})`, () => {
  let t: TestApp;
  /** The operator's connection: another PrismaClient (and pool) on Postgres; PGlite has only one session. */
  let other: Database;

  beforeAll(async () => {
    // One app: the suite counts the connections listening for credential changes.
    t = await startTestApp({ seed: 'credential-cache', differential: false });
    other = TEST_DATABASE_URL ? await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: t.db.schema! }) : t.db;
  });

  afterAll(async () => {
    if (other && other !== t?.db) await other.close();
    await t?.close();
  });

  /** Statements that read credentials (accounts' token hashes, API keys). */
  const credentialChecks = (queries: string[]) => queries.filter((q) => /"(accounts|api_keys)"/.test(q));

  /** `{ __typename }` needs authentication and nothing else: any statement is the credential check. */
  async function request(authorization: string, app: App = t.app) {
    t.queries.length = 0;
    const response = await app.fetch(
      new Request(GRAPHQL_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
    );
    await response.arrayBuffer();
    return { status: response.status, statements: [...t.queries] };
  }

  /** Asks until the answer is `status` (the notification is on its way), for at most ~1 s; then it must stay so. */
  async function eventually(authorization: string, status: number) {
    const deadline = Date.now() + 1_000;
    let last = await request(authorization);
    while (last.status !== status && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      last = await request(authorization);
    }
    expect(last.status).toBe(status);
    expect((await request(authorization)).status).toBe(status);
  }

  it('checks a credential with one statement the first time, and with none afterwards', async () => {
    const first = await request(t.scenario.a.authorization);
    expect(first.status).toBe(200);
    expect(first.statements).toHaveLength(1);
    expect(first.statements[0]).toMatch(/"accounts"/);
    for (let i = 0; i < 3; i++) expect(await request(t.scenario.a.authorization)).toEqual({ status: 200, statements: [] });
  });

  it('does the same for API keys', async () => {
    const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid, friendlyName: 'cached' });
    const authorization = basicAuth(key.sid, key.secret);
    const first = await request(authorization);
    expect(first.status).toBe(200);
    expect(first.statements).toHaveLength(1);
    expect(first.statements[0]).toMatch(/"api_keys"/);
    expect(await request(authorization)).toEqual({ status: 200, statements: [] });
  });

  it('never caches a refusal', async () => {
    const wrong = basicAuth(t.scenario.a.sid, '0'.repeat(32));
    for (let i = 0; i < 2; i++) {
      const refused = await request(wrong);
      expect(refused.status).toBe(401);
      expect(credentialChecks(refused.statements)).toHaveLength(1);
    }
  });

  it('refuses an API key revoked on another connection with the next request', async () => {
    const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid, friendlyName: 'to revoke' });
    const authorization = basicAuth(key.sid, key.secret);
    await request(authorization);
    expect(await request(authorization)).toEqual({ status: 200, statements: [] });

    await revokeApiKey(other.prisma, key.sid);
    // PGlite hears the NOTIFY before the revoking statement returns; a Postgres
    // server sends it to the listening connection when the revocation commits.
    if (backend === 'pglite') expect((await request(authorization)).status).toBe(401);
    await eventually(authorization, 401);
    // Other credentials keep working (and are cached again).
    expect((await request(t.scenario.a.authorization)).status).toBe(200);
    expect(await request(t.scenario.a.authorization)).toEqual({ status: 200, statements: [] });
  });

  it("refuses an account's old token once it is rotated on another connection; the new one works", async () => {
    const account = await createAccount(t.db.prisma, { friendlyName: 'rotating' });
    const old = basicAuth(account.sid, account.authToken);
    await request(old);
    expect(await request(old)).toEqual({ status: 200, statements: [] });

    const rotated = await rotateAuthToken(other.prisma, account.sid);
    if (backend === 'pglite') expect((await request(old)).status).toBe(401);
    await eventually(old, 401);
    const fresh = basicAuth(account.sid, rotated.authToken);
    expect((await request(fresh)).status).toBe(200);
    expect(await request(fresh)).toEqual({ status: 200, statements: [] });
  });

  it("refuses a deleted account's token and its API keys", async () => {
    const account = await createAccount(t.db.prisma, { friendlyName: 'deleted' });
    const key = await createApiKey(t.db.prisma, { accountSid: account.sid });
    const token = basicAuth(account.sid, account.authToken);
    const keyAuth = basicAuth(key.sid, key.secret);
    for (const authorization of [token, keyAuth]) {
      await request(authorization);
      expect(await request(authorization)).toEqual({ status: 200, statements: [] });
    }
    await other.prisma.account.delete({ where: { sid: account.sid } });
    await eventually(token, 401);
    await eventually(keyAuth, 401);
  });

  it('keeps its entries when a change rolls back', async () => {
    const authorization = t.scenario.b.authorization;
    await request(authorization);
    expect(await request(authorization)).toEqual({ status: 200, statements: [] });
    await expect(
      other.prisma.$transaction(async (tx) => {
        await rotateAuthToken(tx, t.scenario.b.sid);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // Nothing was notified (NOTIFY goes out on commit): still served from the cache, and still right.
    await new Promise((r) => setTimeout(r, 100));
    expect(await request(authorization)).toEqual({ status: 200, statements: [] });
  });

  it('is emptied by a notification from its own schema only', async () => {
    const authorization = t.scenario.b.authorization;
    await request(authorization);
    expect(await request(authorization)).toEqual({ status: 200, statements: [] });
    if (backend === 'postgres') {
      // Another schema on the same server (another test file, another deployment).
      await other.prisma.$executeRaw`SELECT pg_notify(${CREDENTIALS_CHANNEL}, 'some_other_schema')`;
      await new Promise((r) => setTimeout(r, 100));
      expect(await request(authorization)).toEqual({ status: 200, statements: [] });
    }
    const [{ schema }] = await other.prisma.$queryRaw<[{ schema: string }]>`SELECT current_schema() AS schema`;
    await other.prisma.$executeRaw`SELECT pg_notify(${CREDENTIALS_CHANNEL}, ${schema})`;
    const deadline = Date.now() + 1_000;
    let after = await request(authorization);
    while (after.statements.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      after = await request(authorization);
    }
    expect(after.status).toBe(200);
    expect(credentialChecks(after.statements)).toHaveLength(1);
  });

  describe('without notifications', () => {
    it('checks every request against the database when the database cannot listen, so revocations still apply at once', async () => {
      const deaf: Database = {
        ...t.db,
        listen: async () => {
          throw new Error('LISTEN is not available here');
        },
      };
      const app = await createApp(deaf, silent);
      try {
        const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid });
        const authorization = basicAuth(key.sid, key.secret);
        for (let i = 0; i < 3; i++) {
          const answer = await request(authorization, app);
          expect(answer.status).toBe(200);
          expect(credentialChecks(answer.statements)).toHaveLength(1);
        }
        await revokeApiKey(other.prisma, key.sid);
        expect((await request(authorization, app)).status).toBe(401);
      } finally {
        await app.close();
      }
    });

    it('stops caching once the app is closed, and closes its listening connection', async () => {
      const app = await createApp(t.db, silent);
      const authorization = t.scenario.b.authorization;
      await request(authorization, app);
      expect(await request(authorization, app)).toEqual({ status: 200, statements: [] });
      const before = await listeners();
      await app.close();
      if (backend === 'postgres') expect(await listeners()).toBe(before - 1);
      for (let i = 0; i < 2; i++) expect(credentialChecks((await request(authorization, app)).statements)).toHaveLength(1);
    });

    it.runIf(backend === 'postgres')(
      'recovers when the listening connection is killed: nothing missed meanwhile is served from the cache, and caching resumes',
      async () => {
        const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid });
        const authorization = basicAuth(key.sid, key.secret);
        await request(authorization);
        expect(await request(authorization)).toEqual({ status: 200, statements: [] });
        const [killed] = await listenerPids();
        expect(await listeners()).toBe(1);

        await other.prisma.$executeRaw`SELECT pg_terminate_backend(${killed}::int)`;
        // Revoked while the app may be deaf: the reconnection must not trust what it cached before.
        await revokeApiKey(other.prisma, key.sid);
        await eventually(authorization, 401);

        // A new listening connection, and the cache in use again.
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          const pids = await listenerPids();
          if (pids.length === 1 && pids[0] !== killed) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect((await listenerPids()).filter((pid) => pid !== killed)).toHaveLength(1);
        const b = t.scenario.b.authorization;
        let second = { status: 0, statements: ['none yet'] };
        while (second.statements.length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          await request(b);
          second = await request(b);
        }
        expect(second).toEqual({ status: 200, statements: [] });
        // And it hears changes again.
        const another = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid });
        const anotherAuth = basicAuth(another.sid, another.secret);
        await request(anotherAuth);
        expect(await request(anotherAuth)).toEqual({ status: 200, statements: [] });
        await revokeApiKey(other.prisma, another.sid);
        await eventually(anotherAuth, 401);
      },
    );
  });

  /** Backend pids of this schema's listening connections (Postgres). */
  async function listenerPids(): Promise<number[]> {
    const name = listenerApplicationName(t.db.schema);
    const rows = await other.prisma.$queryRaw<Array<{ pid: number }>>`
      SELECT pid FROM pg_stat_activity WHERE application_name = ${name} ORDER BY pid`;
    return rows.map((r) => r.pid);
  }

  /** How many connections listen for this schema (Postgres); the number of channels on PGlite's one session. */
  async function listeners(): Promise<number> {
    if (backend === 'postgres') return (await listenerPids()).length;
    const rows = await t.db.prisma.$queryRaw<unknown[]>`SELECT pg_listening_channels()`;
    return rows.length;
  }
});

describe.runIf(backend === 'postgres')('the listening connection (postgres)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL });
  });
  afterAll(() => db?.close());

  const notifyThroughPool = async (channel: string, payload: string) => {
    await db.withSession((s) => s.query('SELECT pg_notify($1, $2)', [channel, payload]));
  };

  async function until(condition: () => boolean, ms = 5_000) {
    const deadline = Date.now() + ms;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(condition()).toBe(true);
  }

  it('is deaf from losing its connection until LISTEN is back, and says so', async () => {
    const applicationName = `credential-cache test ${process.pid} ${Date.now()}`;
    const channel = `test_${process.pid}_${Date.now()}`;
    const resets: boolean[] = [];
    const notified: string[] = [];
    const stop = await listenPostgres(
      { connectionString: TEST_DATABASE_URL!, channel, applicationName, notifyElsewhere: notifyThroughPool, retryMs: { first: 1_000, max: 1_000 } },
      { onNotify: (p) => notified.push(p), onReset: (l) => resets.push(l) },
    );
    try {
      expect(resets).toEqual([false, true]);
      await notifyThroughPool(channel, '');
      await until(() => notified.length === 1);

      await db.withSession((s) => s.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]));
      await until(() => resets.length === 3);
      expect(resets).toEqual([false, true, false]);
      // Nothing is heard while deaf (the subscriber must assume everything changed).
      await notifyThroughPool(channel, '');
      await new Promise((r) => setTimeout(r, 200));
      expect(resets).toEqual([false, true, false]);
      expect(notified).toHaveLength(1);

      await until(() => resets.length === 4);
      expect(resets).toEqual([false, true, false, true]);
      await notifyThroughPool(channel, '');
      await until(() => notified.length === 2);
    } finally {
      await stop();
    }
    const left = await db.withSession((s) => s.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]));
    expect(left).toEqual([]);
  });

  it('does not count as listening when a NOTIFY through the pool does not arrive (a pooler in between), and keeps trying', async () => {
    const resets: boolean[] = [];
    const errors: string[] = [];
    let attempts = 0;
    const stop = await listenPostgres(
      {
        connectionString: TEST_DATABASE_URL!,
        channel: `test_${process.pid}_${Date.now()}`,
        notifyElsewhere: async () => void attempts++, // lost on the way
        probeTimeoutMs: 100,
        retryMs: { first: 50, max: 50 },
      },
      { onNotify: () => {}, onReset: (l) => resets.push(l), onError: (err) => errors.push(String(err)) },
    );
    try {
      expect(resets).toEqual([false]);
      expect(errors[0]).toMatch(/did not reach the listening connection/);
      await until(() => attempts >= 2);
      expect(resets).toEqual([false]);
    } finally {
      await stop();
    }
  });

  it('ignores notifications of other schemas and its own probes', async () => {
    const channel = `test_${process.pid}_${Date.now()}`;
    const notified: string[] = [];
    const stop = await listenPostgres(
      { connectionString: TEST_DATABASE_URL!, channel, notifyElsewhere: notifyThroughPool },
      { onNotify: (p) => notified.push(p), onReset: () => {} },
    );
    try {
      const [row] = await db.withSession((s) => s.query<{ schema: string }>('SELECT current_schema() AS schema'));
      const schema = row!.schema;
      for (const payload of ['another_schema', 'probe:abc', schema, '']) await notifyThroughPool(channel, payload);
      await until(() => notified.length === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(notified).toEqual([schema, '']);
    } finally {
      await stop();
    }
  });
});
