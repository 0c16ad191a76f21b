/**
 * `/metrics` over real HTTP: who may read it, and that requests through both
 * front doors move the counters by exactly what they should.
 */

import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { type CreatedApiKey, createApiKey } from '../src/domain/accounts.js';
import { claimPruneJob, createPruneJob } from '../src/domain/prune.js';
import { newRunnerOwner, runClaimedJob } from '../src/jobs/prune.js';
import { addMetricsSource, MAX_OPERATION_NAMES, NO_OPERATION, OTHER_OPERATION, operationLabel, statementKind } from '../src/platform/metrics.js';
import { backend, openTestDatabase, type TestDatabase } from './helpers/db.js';
import { createScenario, type Scenario } from './helpers/scenario.js';
import { basicAuth, type Listening, listen, testLogger } from './helpers/server.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const BEARER = `Bearer ${TOKEN}`;
/** Per credential and window: account A's requests stay below it, account B's run into it. */
const BUDGET = 6;

let db: TestDatabase;
let scenario: Scenario;
let key: CreatedApiKey;
let app: App;
let server: Listening;
let off: App;
let offServer: Listening;

beforeAll(async () => {
  db = await openTestDatabase();
  scenario = await createScenario(db.prisma, { seed: 'metrics', bigServiceBindings: 5, users: 2 });
  key = await createApiKey(db.prisma, { accountSid: scenario.a.sid, friendlyName: 'metrics key' });
  off = await createApp(db, testLogger);
  offServer = await listen(off);
  app = await createApp(db, testLogger, { metricsToken: TOKEN, rateLimit: { requests: BUDGET, windowSeconds: 600 } });
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await offServer?.close();
  await app?.close();
  await off?.close();
  await db?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Prometheus text format, just enough for the assertions.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

class Scrape {
  constructor(readonly samples: Sample[]) {}

  /** The sum of the samples named `name` whose labels include `labels` (0 when none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: BEARER } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return new Scrape(parse(await response.text()));
}

/** How much each counter moved between two scrapes. */
function delta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): number {
  return after.value(name, labels) - before.value(name, labels);
}

async function graphql(operation: string, authorization: string | null, operationName?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: operation, ...(operationName ? { operationName } : {}) }),
  });
  await response.arrayBuffer();
  return response;
}

async function rest(path: string, authorization: string | null): Promise<Response> {
  const response = await fetch(`${server.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
  await response.arrayBuffer();
  return response;
}

// ---------------------------------------------------------------------------

describe('who may read /metrics', () => {
  it('answers 404 with how to turn metrics on when METRICS_TOKEN is unset', async () => {
    const response = await fetch(`${offServer.baseUrl}/metrics`, { headers: { authorization: BEARER } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'metrics are off: set METRICS_TOKEN' });
  });

  it('answers 401 without the token, with a wrong one, or with tenant credentials', async () => {
    const refused = [
      undefined,
      'Bearer ',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      TOKEN,
      scenario.a.authorization,
      basicAuth(key.sid, key.secret),
    ];
    for (const authorization of refused) {
      const response = await fetch(`${server.baseUrl}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.json()).toEqual({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
    }
  });

  it('answers the token, in Prometheus text format, with the security headers', async () => {
    const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toContain('# TYPE gateway_http_requests_total counter');
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('refuses other methods than GET and HEAD', async () => {
    const post = await fetch(`${server.baseUrl}/metrics`, { method: 'POST', headers: { authorization: BEARER }, body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.baseUrl}/metrics`, { method: 'HEAD', headers: { authorization: BEARER } });
    expect(head.status).toBe(200);
  });
});

describe('what /metrics counts', () => {
  it('moves the request, rate-limit and credential-cache counters by exactly the requests sent', async () => {
    const A = scenario.a.authorization;
    const B = scenario.b.authorization;
    const IS = scenario.a.services[0]!.sid;
    // Account B's first request fills the credential cache with it, outside the measured window.
    expect((await graphql('{ __typename }', B)).status).toBe(200);
    const before = await scrape();

    expect((await rest(`/v2/Services/${IS}/Bindings`, A)).status).toBe(200);
    expect((await rest(`/v2/Services/${IS}/Bindings`, null)).status).toBe(401);
    expect((await graphql('query ListServices { services(first: 1) { edges { node { sid } } } }', A)).status).toBe(200);
    expect((await graphql('{ __typename }', A)).status).toBe(200);
    expect((await graphql('query One { __typename } query Two { __typename }', A, 'Two')).status).toBe(200);
    expect((await graphql('query Ghost { __typename }', basicAuth(scenario.a.sid, 'wrong'))).status).toBe(401);
    // A syntax error: GraphQL errors come with 200 to `Accept: application/json`.
    expect((await graphql('query Broken {', A)).status).toBe(200);
    // B used 1 of its budget before: 3 more pass, the next is refused.
    for (let i = 0; i < BUDGET - 1; i++) expect((await graphql('query Limited { __typename }', B)).status).toBe(200);
    expect((await graphql('query Limited { __typename }', B)).status).toBe(429);
    expect((await rest('/nothing-here', null)).status).toBe(404);

    const after = await scrape();
    const requests = (labels: Record<string, string>) => delta(before, after, 'gateway_http_requests_total', labels);
    const post = { method: 'POST' };
    expect(requests({ door: 'rest', operation: NO_OPERATION, method: 'GET', status: '200' })).toBe(1);
    expect(requests({ door: 'rest', operation: NO_OPERATION, method: 'GET', status: '401' })).toBe(1);
    expect(requests({ door: 'graphql', operation: 'ListServices', ...post, status: '200' })).toBe(1);
    expect(requests({ door: 'graphql', operation: 'anonymous', ...post, status: '200' })).toBe(1);
    expect(requests({ door: 'graphql', operation: 'Two', ...post, status: '200' })).toBe(1);
    expect(requests({ door: 'graphql', operation: 'One' })).toBe(0);
    // The document parsed before the credential was refused.
    expect(requests({ door: 'graphql', operation: 'Ghost', ...post, status: '401' })).toBe(1);
    expect(requests({ door: 'graphql', operation: NO_OPERATION, ...post, status: '200' })).toBe(1);
    expect(requests({ door: 'graphql', operation: 'Broken' })).toBe(0);
    expect(requests({ door: 'graphql', operation: 'Limited', ...post, status: '200' })).toBe(BUDGET - 1);
    // Refused by the gate, before the document is parsed.
    expect(requests({ door: 'graphql', operation: NO_OPERATION, ...post, status: '429' })).toBe(1);
    expect(requests({ door: 'other', method: 'GET', status: '404' })).toBe(1);
    // The scrape before this one counts, not this one (it is counted after its answer).
    expect(requests({ door: 'other', method: 'GET', status: '200' })).toBe(1);
    expect(requests({ door: 'rest' })).toBe(2);
    expect(requests({ door: 'graphql' })).toBe(5 + BUDGET);

    // The latency histogram counts what the counter counts.
    for (const door of ['rest', 'graphql', 'other']) {
      expect(delta(before, after, 'gateway_http_request_duration_seconds_count', { door })).toBe(requests({ door }));
      expect(delta(before, after, 'gateway_http_request_duration_seconds_bucket', { door, le: '+Inf' })).toBe(requests({ door }));
    }
    expect(delta(before, after, 'gateway_http_request_duration_seconds_sum', { door: 'graphql' })).toBeGreaterThan(0);

    expect(delta(before, after, 'gateway_rate_limited_total', { door: 'graphql' })).toBe(1);
    expect(delta(before, after, 'gateway_rate_limited_total', { door: 'rest' })).toBe(0);
    // Requests with a credential: A's first misses the cache, A's 4 others and B's all hit; the wrong password misses.
    expect(delta(before, after, 'gateway_credential_cache_lookups_total', { result: 'hit' })).toBe(4 + BUDGET);
    expect(delta(before, after, 'gateway_credential_cache_lookups_total', { result: 'miss' })).toBe(2);
    expect(delta(before, after, 'gateway_credential_cache_lookups_total', { result: 'off' })).toBe(0);
    expect(delta(before, after, 'gateway_db_unavailable_responses_total')).toBe(0);

    // REST's list and GraphQL's connection ran SELECTs, timed.
    expect(delta(before, after, 'gateway_db_statement_duration_seconds_count', { kind: 'select' })).toBeGreaterThanOrEqual(2);
    expect(delta(before, after, 'gateway_db_statement_duration_seconds_sum', { kind: 'select' })).toBeGreaterThan(0);
  });

  it('shows readiness, and the pool on PostgreSQL only', async () => {
    const now = await scrape();
    expect(now.value('gateway_ready')).toBe(1);
    if (backend === 'postgres') {
      expect(now.matching('gateway_db_pool_connections').map((s) => s.labels.state)).toEqual(['in_use', 'idle']);
      expect(now.value('gateway_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(now.value('gateway_db_pool_max_connections')).toBeGreaterThanOrEqual(1);
      expect(now.matching('gateway_db_pool_waiting_requests')).toHaveLength(1);
    } else {
      expect(now.has('gateway_db_pool_connections')).toBe(false);
      expect(now.has('gateway_db_pool_max_connections')).toBe(false);
      expect(now.has('gateway_db_pool_waiting_requests')).toBe(false);
    }
  });

  it('shows the progress of running imports only', async () => {
    const recent = new Date();
    const run = { source: 'https://chat.twilio.com', prune: false, ownerHost: 'elsewhere', startedAt: recent, heartbeatAt: recent };
    await db.prisma.importRun.create({ data: { accountSid: scenario.a.sid, runId: 'run-a', ownerPid: 4242, ...run } });
    await db.prisma.importRun.create({ data: { accountSid: scenario.b.sid, runId: 'run-b', ownerPid: 4243, ...run, finishedAt: recent } });
    await db.prisma.importCheckpoint.createMany({
      data: [
        { accountSid: scenario.a.sid, list: 'services', nextPage: null, done: true, pages: 1, records: 2 },
        { accountSid: scenario.a.sid, list: `bindings:${scenario.a.services[0]!.sid}`, nextPage: '/x', done: false, pages: 4, records: 200 },
        { accountSid: scenario.b.sid, list: 'services', nextPage: null, done: true, pages: 9, records: 9 },
      ],
    });
    try {
      const now = await scrape();
      expect(now.matching('gateway_import_pages_written')).toEqual([{ name: 'gateway_import_pages_written', labels: { account: scenario.a.sid }, value: 5 }]);
      expect(now.matching('gateway_import_records_written')).toEqual([
        { name: 'gateway_import_records_written', labels: { account: scenario.a.sid }, value: 202 },
      ]);
    } finally {
      await db.prisma.importCheckpoint.deleteMany({});
      await db.prisma.importRun.deleteMany({});
    }
    expect((await scrape()).has('gateway_import_pages_written')).toBe(false);
  });

  it('leaves the imports out, and still answers, when their query fails', async () => {
    const stop = addMetricsSource({ ready: async () => true, runningImports: () => Promise.reject(new Error('no database')) });
    try {
      const text = await register.metrics();
      expect(text).toContain('gateway_ready 1');
      expect(text).not.toMatch(/^gateway_import_pages_written\{/m);
    } finally {
      stop();
    }
  });

  it('counts 503 answers of the doors as database unavailable', async () => {
    // A gateway whose database is gone: the credential check cannot run.
    const gone = await openTestDatabase();
    const doomed = await createApp(gone, testLogger, { metricsToken: TOKEN });
    try {
      const before = await scrape();
      await gone.close();
      const unknown = basicAuth(`AC${'0'.repeat(32)}`, 'whatever');
      const answers = [
        await doomed.fetch(new Request('http://gateway.test/v2/Services', { headers: { authorization: unknown } })),
        await doomed.fetch(
          new Request('http://gateway.test/graphql', {
            method: 'POST',
            headers: { authorization: unknown, 'content-type': 'application/json' },
            body: '{"query":"{ __typename }"}',
          }),
        ),
      ];
      expect(answers.map((r) => r.status)).toEqual([503, 503]);
      await sleep(300); // past the readiness check's reuse of its last answer (src/platform/health.ts)
      // The latest app (doomed) is not ready any more.
      const after = await scrape();
      expect(delta(before, after, 'gateway_db_unavailable_responses_total', { door: 'rest' })).toBe(1);
      expect(delta(before, after, 'gateway_db_unavailable_responses_total', { door: 'graphql' })).toBe(1);
      expect(after.value('gateway_ready')).toBe(0);
    } finally {
      await doomed.close();
    }
    // Closed, it no longer speaks for the process: the test's app does again.
    expect((await scrape()).value('gateway_ready')).toBe(1);
  });

  it('counts prune batches, deleted bindings and finished jobs', async () => {
    const service = scenario.b.services[0]!;
    const apn = await db.prisma.binding.count({ where: { serviceSid: service.sid, bindingType: 'apn' } });
    expect(apn).toBeGreaterThan(1);
    const actor = { accountSid: scenario.b.sid, credentialSid: scenario.b.sid, scope: 'read-write' as const };
    const job = await createPruneJob(db.prisma, actor, service.sid, { bindingTypes: ['apn'] });
    const owner = newRunnerOwner('test');
    const claimed = await claimPruneJob(db.prisma, owner, { sid: job.sid });
    const before = await scrape();
    // Batches of one: `apn` full batches, then the short one that finishes the job.
    const ended = await runClaimedJob(db.prisma, testLogger, claimed!, owner, { batchSize: 1 });
    expect(ended).toMatchObject({ status: 'done', deleted: apn });
    const after = await scrape();
    expect(delta(before, after, 'gateway_prune_deleted_bindings_total')).toBe(apn);
    expect(delta(before, after, 'gateway_prune_batches_total', { result: 'ok' })).toBe(apn + 1);
    expect(delta(before, after, 'gateway_prune_batches_total', { result: 'failed' })).toBe(0);
    expect(delta(before, after, 'gateway_prune_jobs_ended_total', { status: 'done' })).toBe(1);
  });

  it('shows readiness 0 once shutting down', async () => {
    app.beginShutdown();
    expect((await scrape()).value('gateway_ready')).toBe(0);
  });
});

describe('label values stay bounded', () => {
  it('names at most MAX_OPERATION_NAMES operations, then counts the others as `other`', () => {
    const first = operationLabel('Kept');
    expect(first).toBe('Kept');
    for (let i = 0; i < MAX_OPERATION_NAMES; i++) operationLabel(`Op${i}`);
    expect(operationLabel('Kept')).toBe('Kept');
    expect(operationLabel('BrandNew')).toBe(OTHER_OPERATION);
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('x'.repeat(101))).toBe(OTHER_OPERATION);
  });

  it('labels SQL statements by their first keyword', () => {
    expect(statementKind('SELECT 1')).toBe('select');
    expect(statementKind('\n  with x as (select 1) select * from x')).toBe('with');
    expect(statementKind('INSERT INTO t VALUES (1)')).toBe('insert');
    expect(statementKind('VACUUM')).toBe('other');
    expect(statementKind('Select\t1')).toBe('select');
    expect(statementKind('selection')).toBe('other');
    expect(statementKind('set')).toBe('set');
    expect(statementKind('settings')).toBe('other');
    expect(statementKind('  ')).toBe('other');
    expect(statementKind('')).toBe('other');
    expect(statementKind('-- comment\nSELECT 1')).toBe('other');
  });
});
