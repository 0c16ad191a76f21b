/**
 * A database outage, as clients and operators see it: every answer of either
 * door is a 503 with Retry-After in the door's own error shape (never a 500,
 * never a 200 with errors), requests do not hang on a database that went
 * silent, the log holds a handful of lines rather than one per request, and
 * service resumes on its own when the database is back. And the status of
 * each kind of GraphQL failure per Accept header, which README documents.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { type Database, openDatabase, quoteIdent } from '../../src/db/database.js';
import { UNAVAILABLE_MESSAGE } from '../../src/db/unavailable.js';
import { newSid } from '../../src/domain/sids.js';
import { GRAPHQL_URL, startTestApp, type TestApp, warmCredentialCache } from '../helpers/app.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { createScenario, type Scenario } from '../helpers/scenario.js';
import { basicAuth, type Listening, listen } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const REST_UNAVAILABLE = {
  code: 20503,
  message: UNAVAILABLE_MESSAGE,
  more_info: 'https://www.twilio.com/docs/errors/20503',
  status: 503,
};
const GRAPHQL_UNAVAILABLE = { errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] };

/** A credential nobody has: checking it always asks the database (the gates' path to an outage). */
const stranger = () => basicAuth(newSid('AC'), randomBytes(16).toString('hex'));

// ---------------------------------------------------------------------------
// The status table (README: "GraphQL status codes").

const ACCEPTS = ['application/json', 'application/graphql-response+json', '*/*', 'none'] as const;
type Accept = (typeof ACCEPTS)[number];

type Case = 'syntax error' | 'validation error' | 'depth over the limit' | 'cost over the limit' | 'body not JSON' | 'unauthenticated' | 'database unavailable';

/** HTTP status per Accept header, in ACCEPTS order. */
const STATUS_TABLE: Record<Case, [number, number, number, number]> = {
  // Yoga answers `*/*` and no Accept header as application/json (as GraphQL
  // over HTTP prescribes for a missing header): a document refused before
  // execution is then a 200 with `errors` and no `data`.
  'syntax error': [200, 400, 200, 200],
  'validation error': [200, 400, 200, 200],
  'depth over the limit': [200, 400, 200, 200],
  'cost over the limit': [200, 400, 200, 200],
  'body not JSON': [400, 400, 400, 400],
  unauthenticated: [401, 401, 401, 401],
  'database unavailable': [503, 503, 503, 503],
};

/** The limits of the app the table is measured on: depth 3, cost 101. */
const TABLE_LIMITS = { graphqlMaxDepth: 3, graphqlMaxCost: 101 };

function graphqlRequest(accept: Accept, body: string, authorization: string | null): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (accept !== 'none') headers.accept = accept;
  if (authorization) headers.authorization = authorization;
  return new Request(GRAPHQL_URL, { method: 'POST', headers, body });
}

const query = (text: string) => JSON.stringify({ query: text });

/** The request of each case but the outage (whose request is any that needs the database). */
const CASES: Record<Exclude<Case, 'database unavailable'>, { body: string; authorized: boolean }> = {
  'syntax error': { body: query('{ services { totalCount }'), authorized: true },
  'validation error': { body: query('{ nope }'), authorized: true },
  'depth over the limit': { body: query('{ services(first: 1) { nodes { bindings(first: 1) { totalCount } } } }'), authorized: true },
  'cost over the limit': { body: query('{ services(first: 51) { nodes { sid } } }'), authorized: true },
  'body not JSON': { body: '{"query": "{ services { totalCount } }", "variables": {"secret-looking input": 1}', authorized: true },
  unauthenticated: { body: query('{ services { totalCount } }'), authorized: false },
};

/** Status and body of `request` to `app`, with what no error body may carry checked. */
async function exchange(app: Pick<App, 'fetch'>, request: Request): Promise<{ status: number; headers: Headers; text: string; body: any }> {
  const response = await app.fetch(request);
  const text = await response.text();
  expect(text).not.toMatch(/originalError|secret-looking|\bat .+:\d+:\d+/);
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

describe('GraphQL status codes per Accept header', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'status-table', app: { limits: TABLE_LIMITS } });
    await warmCredentialCache(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are the documented table, for every case but the outage (below)', async () => {
    const measured: Partial<Record<Case, number[]>> = {};
    for (const [name, { body, authorized }] of Object.entries(CASES) as Array<[Case, (typeof CASES)[keyof typeof CASES]]>) {
      measured[name] = [];
      for (const accept of ACCEPTS) {
        const { status, body: answer } = await exchange(t.app, graphqlRequest(accept, body, authorized ? t.scenario.a.authorization : null));
        measured[name].push(status);
        expect(answer.data, `${name} / ${accept}`).toBeUndefined();
        expect(answer.errors, `${name} / ${accept}`).toHaveLength(1);
      }
    }
    const { 'database unavailable': _, ...expected } = STATUS_TABLE;
    expect(measured).toEqual(expected);
  });

  it('the invalid JSON body is a plain BAD_REQUEST, without the parser message that quoted it', async () => {
    const { body } = await exchange(t.app, graphqlRequest('application/json', CASES['body not JSON'].body, t.scenario.a.authorization));
    expect(body).toEqual({ errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('a gate that cannot reach its database', () => {
  it('answers 503 with Retry-After in each door’s words, under every Accept header', async () => {
    const t = await startTestApp({ seed: 'outage-gate' });
    await t.db.close();
    for (const accept of ACCEPTS) {
      const { status, headers, body } = await exchange(t.app, graphqlRequest(accept, query('{ services { totalCount } }'), stranger()));
      expect([accept, status, headers.get('retry-after'), body]).toEqual([
        accept,
        STATUS_TABLE['database unavailable'][ACCEPTS.indexOf(accept)],
        '2',
        GRAPHQL_UNAVAILABLE,
      ]);
    }
    const rest = await exchange(t.app, new Request('http://gateway.test/v2/Services', { headers: { authorization: stranger() } }));
    expect([rest.status, rest.headers.get('retry-after'), rest.body]).toEqual([503, '2', REST_UNAVAILABLE]);
  });
});

// ---------------------------------------------------------------------------
// A real outage: the gateway reaches Postgres through a proxy the test cuts.

describe.skipIf(!TEST_DATABASE_URL)('a PostgreSQL outage', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let admin: Database;
  let proxy: TcpProxy;
  let db: Database;
  let app: App;
  let server: Listening;
  let scenario: Scenario;
  const logger = captureLogger();

  beforeAll(async () => {
    // The schema is made directly; only the gateway goes through the proxy.
    admin = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });
    await admin.withSession((s) => s.exec(`CREATE SCHEMA ${quoteIdent(schema)}`));
    await admin.migrate();
    scenario = await createScenario(admin.prisma, { seed: 'outage', users: 3, bigServiceBindings: 6 });
    const target = new URL(TEST_DATABASE_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    db = await openDatabase({ databaseUrl: proxy.urlFor(TEST_DATABASE_URL!), schema, statementTimeoutMs: 10_000 });
    app = await createApp(db, logger, { rateLimit: { requests: 0 } });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
    await proxy?.restore();
    await db?.close();
    await proxy?.close();
    await admin?.withSession((s) => s.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`));
    await admin?.close();
  });

  type Door = 'rest' | 'graphql';
  interface Answer {
    door: Door;
    label: string;
    status: number;
    retryAfter: string | null;
    body: unknown;
    ms: number;
  }

  /** One round of the trickle: each door with a known (cached) credential and with one that must be checked, GraphQL under a changing Accept. */
  async function round(i: number): Promise<Answer[]> {
    const service = scenario.a.services[0]!.sid;
    const accept = ['application/json', 'application/graphql-response+json', '*/*', 'text/event-stream'][i % 4]!;
    const requests: Array<[Door, string, RequestInit & { url: string }]> = [];
    for (const [who, authorization] of [
      ['known', scenario.a.authorization],
      ['unknown', stranger()],
    ] as const) {
      requests.push(['rest', `rest ${who}`, { url: `${server.baseUrl}/v2/Services/${service}/Bindings?PageSize=5`, headers: { authorization } }]);
      requests.push([
        'graphql',
        `graphql ${who} ${accept}`,
        {
          url: `${server.baseUrl}/graphql`,
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept },
          body: JSON.stringify({ query: 'query($sid: String!) { service(sid: $sid) { sid } }', variables: { sid: service } }),
        },
      ]);
    }
    return Promise.all(
      requests.map(async ([door, label, { url, ...init }]) => {
        const started = performance.now();
        const response = await fetch(url, init);
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        return { door, label, status: response.status, retryAfter: response.headers.get('retry-after'), body, ms: performance.now() - started };
      }),
    );
  }

  /** Rounds every `everyMs` for `forMs`, all answers. */
  async function trickle(forMs: number, everyMs = 100): Promise<Answer[]> {
    const answers: Answer[] = [];
    const until = performance.now() + forMs;
    for (let i = 0; performance.now() < until; i++) {
      const next = performance.now() + everyMs;
      answers.push(...(await round(i)));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    return answers;
  }

  function expectUnavailable(answers: Answer[]) {
    for (const a of answers) {
      expect({ label: a.label, status: a.status, retryAfter: a.retryAfter, body: a.body }).toEqual({
        label: a.label,
        status: 503,
        retryAfter: '2',
        body: a.door === 'rest' ? REST_UNAVAILABLE : GRAPHQL_UNAVAILABLE,
      });
    }
  }

  /** Polls until a known caller gets 200 from both doors; resolves with the time it took. */
  async function recovered(withinMs: number): Promise<number> {
    const started = performance.now();
    for (let i = 0; performance.now() - started < withinMs; i++) {
      const answers = (await round(i)).filter((a) => a.label.includes('known') && !a.label.includes('unknown'));
      if (answers.every((a) => a.status === 200)) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`not recovered within ${withinMs} ms`);
  }

  /** Lines other than the access log ('request') and debug. */
  const lines = () => logger.entries.filter((e) => e.level !== 'debug' && e.msg !== 'request');

  it('answers normally before', async () => {
    const answers = await round(0);
    expect(answers.map((a) => [a.label, a.status])).toEqual(answers.map((a) => [a.label, a.label.includes('unknown') ? 401 : 200]));
    expect(lines()).toEqual([]);
  });

  it('cut (connections refused): every answer a 503 with Retry-After in its door’s words; a handful of log lines', async () => {
    await proxy.cut('refuse');
    const answers = await trickle(3_000);
    expect(answers.length).toBeGreaterThanOrEqual(40);
    expectUnavailable(answers);
    // Both ways an outage is met: in a door (cached credential) and in the gates (credential check).
    expect(new Set(answers.map((a) => `${a.door} ${a.label.includes('unknown') ? 'gate' : 'door'}`)).size).toBe(4);

    const logged = lines();
    expect(logged.length, JSON.stringify(logged, null, 1)).toBeLessThanOrEqual(6);
    expect(logged.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual(['database unavailable']);
    const first = logged.find((e) => e.msg === 'database unavailable')!;
    expect(first.fields).toMatchObject({ requestId: expect.any(String), door: expect.stringMatching(/^(rest|graphql)$/), reason: expect.any(String) });
    // Reasons, not stacks.
    expect(JSON.stringify(logged.filter((e) => e.msg.startsWith('database')))).not.toMatch(/\bat .+:\d+:\d+|"stack"/);
  });

  it('restored: requests succeed again within seconds, and the recovery is logged once', async () => {
    await proxy.restore();
    expect(await recovered(10_000)).toBeLessThan(10_000);
    const recoveries = lines().filter((e) => e.msg.startsWith('database available again after'));
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toMatchObject({ level: 'info', fields: { failures: expect.any(Number), seconds: expect.any(Number) } });
    expect(recoveries[0]!.msg).toMatch(/^database available again after [\d.]+ s, \d+ failures$/);
  });

  it('the same table row for the outage, in-process under every Accept header', async () => {
    await proxy.cut('refuse');
    try {
      for (const accept of ACCEPTS) {
        const { status, headers, body } = await exchange(
          app,
          graphqlRequest(accept, JSON.stringify({ query: '{ services { totalCount } }' }), scenario.a.authorization),
        );
        expect([accept, status, headers.get('retry-after'), body]).toEqual([
          accept,
          STATUS_TABLE['database unavailable'][ACCEPTS.indexOf(accept)],
          '2',
          GRAPHQL_UNAVAILABLE,
        ]);
      }
    } finally {
      await proxy.restore();
    }
    await recovered(10_000);
  });

  it('blackholed (connections accepted, never answered): 503 within the connect timeout, not a hang', async () => {
    logger.entries.length = 0;
    await proxy.cut('blackhole');
    // The pool drops its connections the cut closed; new ones are then opened into the blackhole.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answers = await round(0);
    expectUnavailable(answers);
    // Each waited for the connect timeout, and no longer.
    for (const a of answers) expect([a.label, a.ms > 4_000 && a.ms < 8_000]).toEqual([a.label, true]);
    await proxy.restore();
    await recovered(15_000);
    expect(
      lines()
        .filter((e) => e.level === 'error')
        .map((e) => e.msg),
    ).toEqual(['database unavailable']);
    expect(lines().filter((e) => e.msg.startsWith('database available again'))).toHaveLength(1);
  }, 30_000);
});
