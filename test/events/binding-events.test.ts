/**
 * `Subscription.bindingEvents` over Server-Sent Events: every committed write
 * to a binding (REST, GraphQL, prune jobs, another gateway or connection)
 * reaches the subscribers of its account and service, in commit order, and
 * only theirs; the limits per credential and per subscriber; streams end with
 * an error when events may have been missed (listener lost, shutdown).
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { listenerApplicationName, openDatabase } from '../../src/db/database.js';
import { createApiKey, revokeApiKey, rotateAuthToken } from '../../src/domain/accounts.js';
import { newSid } from '../../src/domain/sids.js';
import { parseImportFile } from '../../src/import/file.js';
import { importFileRecords } from '../../src/import/file-store.js';
import { runPruneJobHere } from '../../src/jobs/prune.js';
import { createLogger } from '../../src/platform/logger.js';
import { GRAPHQL_URL, startTestApp, type TestApp } from '../helpers/app.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { listen } from '../helpers/server.js';
import { openSse, type SseStream, sseRequest } from '../helpers/sse.js';

const logger = createLogger('silent');
const SUBSCRIBE = `subscription($service: String!, $filter: BindingFilterInput) {
  bindingEvents(serviceSid: $service, filter: $filter) {
    kind at
    binding { sid accountSid serviceSid identity endpoint bindingType messageTypes credentialSid dateCreated dateUpdated }
  }
}`;
const REGISTER = `mutation($input: RegisterBindingInput!) { registerBinding(input: $input) { created binding { sid } } }`;
const DELETE = `mutation($id: ID!) { deleteBinding(input: { id: $id }) { deletedBindingId } }`;

let t: TestApp;
let A: { service: string; service2: string; auth: string; sid: string; fcm: string };
let B: { service: string; auth: string; sid: string };
const open: SseStream[] = [];

beforeAll(async () => {
  t = await startTestApp({ seed: 'events', app: { limits: { eventsMaxSubscriptionsPerCredential: 3, eventsQueueSize: 20 } } });
  const fcm = await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid, type: 'fcm' } });
  A = {
    service: t.scenario.a.services[0]!.sid,
    service2: t.scenario.a.services[1]!.sid,
    auth: t.scenario.a.authorization,
    sid: t.scenario.a.sid,
    fcm: fcm.sid,
  };
  B = { service: t.scenario.b.services[0]!.sid, auth: t.scenario.b.authorization, sid: t.scenario.b.sid };
}, 60_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await t?.app.close();
  await t?.close();
});

async function subscribe(variables: Record<string, unknown>, authorization = A.auth, app: App = t.app): Promise<SseStream> {
  const response = await app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, variables, authorization));
  const stream = await openSse(response);
  open.push(stream);
  return stream;
}

/** The next `next` message's event (fails on an error or the end). */
async function nextEvent(stream: SseStream) {
  const message = await stream.next();
  if (message.event !== 'next' || message.json.errors) throw new Error(`expected an event, got ${message.event} ${message.data}`);
  return message.json.data.bindingEvents as { kind: string; at: string; binding: Record<string, any> };
}

/** The error that ends the stream, then its `complete`. */
async function endingError(stream: SseStream) {
  let message = await stream.next();
  while (message.event === 'next' && !message.json.errors) message = await stream.next();
  expect(message.event).toBe('next');
  const error = message.json.errors[0];
  expect(await stream.next()).toMatchObject({ event: 'complete' });
  return error as { message: string; extensions: { code: string } };
}

/** A stream is open (and its subscription registered) once its first event arrives: write one and read it. */
async function ready(stream: SseStream, service = A.service, authorization = A.auth) {
  const sid = await register(service, `ready-${newSid('US').slice(2, 10)}`, authorization);
  expect(await nextEvent(stream)).toMatchObject({ kind: 'REGISTERED', binding: { sid } });
  return sid;
}

async function register(service: string, identity: string, authorization = A.auth, endpoint = `ep-${identity}`, messageTypes = ['new_message']) {
  const credentialSid = authorization === A.auth ? A.fcm : (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: B.sid, type: 'fcm' } })).sid;
  const r = await t.graphql(REGISTER, { input: { serviceSid: service, identity, bindingType: 'FCM', endpoint, credentialSid, messageTypes } }, authorization);
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.registerBinding.binding.sid as string;
}

describe('events from every writer', () => {
  it('REGISTERED, UPDATED and DELETED through GraphQL and REST, in commit order, with the binding as it is (or was)', async () => {
    const s = await subscribe({ service: A.service });
    expect(s.response.status).toBe(200);
    expect(s.response.headers.get('content-type')).toContain('text/event-stream');
    const sid = await register(A.service, 'ann@example.com');
    const registered = await nextEvent(s);
    expect(registered).toMatchObject({
      kind: 'REGISTERED',
      binding: { sid, accountSid: A.sid, serviceSid: A.service, identity: 'ann@example.com', bindingType: 'FCM', messageTypes: ['new_message'] },
    });
    expect(Date.parse(registered.at)).toBeGreaterThan(Date.now() - 60_000);
    // The same device again: the registration updates it.
    await register(A.service, 'ann@example.com', A.auth, 'ep-ann@example.com', ['new_message', 'added_to_channel']);
    expect(await nextEvent(s)).toMatchObject({ kind: 'UPDATED', binding: { sid, messageTypes: ['new_message', 'added_to_channel'] } });
    const row = await t.db.prisma.binding.findUniqueOrThrow({ where: { sid } });
    const rest = await t.fetch(`/v2/Services/${A.service}/Bindings/${sid}`, { method: 'DELETE', headers: { authorization: A.auth } });
    expect(rest.status).toBe(204);
    const deleted = await nextEvent(s);
    expect(deleted).toEqual({
      kind: 'DELETED',
      at: expect.any(String),
      binding: {
        sid,
        accountSid: A.sid,
        serviceSid: A.service,
        identity: 'ann@example.com',
        endpoint: row.endpoint,
        bindingType: 'FCM',
        messageTypes: ['new_message', 'added_to_channel'],
        credentialSid: A.fcm,
        dateCreated: row.dateCreated.toISOString(),
        dateUpdated: row.dateUpdated.toISOString(),
      },
    });
    // GraphQL deleteBinding of a scenario binding.
    const other = t.scenario.a.services[0]!.bindings[0]!;
    expect((await t.graphql(DELETE, { id: other })).body.errors).toBeUndefined();
    expect(await nextEvent(s)).toMatchObject({ kind: 'DELETED', binding: { sid: other } });
    expect(await s.quiet(100)).toEqual([]);
  });

  it('a prune job: one DELETED event per binding of each batch', async () => {
    const s = await subscribe({ service: A.service2 });
    const sids = t.scenario.a.services[1]!.bindings;
    const r = await t.graphql(`mutation($input: PruneBindingsInput!) { pruneBindings(input: $input) { job { id } } }`, {
      input: { serviceSid: A.service2, filter: { bindingType: ['APN', 'GCM', 'FCM'] } },
    });
    expect(r.body.errors).toBeUndefined();
    const job = await runPruneJobHere(t.db.prisma, logger, r.body.data.pruneBindings.job.id, { batchSize: 3, pollMs: 20 });
    expect(job.deleted).toBe(sids.length);
    const seen: string[] = [];
    for (let i = 0; i < sids.length; i++) {
      const event = await nextEvent(s);
      expect(event.kind).toBe('DELETED');
      seen.push(event.binding.sid);
    }
    expect(seen.sort()).toEqual([...sids].sort());
  });

  it('an import page (the writes of import:file): one event per binding it inserts or updates', async () => {
    const s = await subscribe({ service: A.service });
    const existing = t.scenario.a.services[0]!.bindings[12]!;
    const got = await t.fetch(`/v2/Services/${A.service}/Bindings/${existing}`, { headers: { authorization: A.auth } });
    const resource = (await got.json()) as Record<string, unknown>;
    const changed = { ...resource, message_types: ['typing_indicator'], date_updated: '2026-12-01T00:00:00Z' };
    const added = { ...resource, sid: newSid('BS'), endpoint: `imported-${Date.now()}`, message_types: ['new_message'] };
    const file = parseImportFile('page.ndjson', `${JSON.stringify(changed)}\n${JSON.stringify(added)}\n`);
    const result = await importFileRecords(t.db.prisma, { records: file.records, dryRun: false });
    expect([result.bindings.inserted, result.bindings.updated]).toEqual([1, 1]);
    const events = [await nextEvent(s), await nextEvent(s)];
    expect(events.map((e) => [e.kind, e.binding.sid]).sort()).toEqual(
      [
        ['REGISTERED', added.sid],
        ['UPDATED', existing],
      ].sort(),
    );
    expect(events.find((e) => e.kind === 'UPDATED')!.binding.messageTypes).toEqual(['typing_indicator']);
    expect(await s.quiet(100)).toEqual([]);
  });

  it('writes on another connection (another gateway process on PostgreSQL): a direct SQL write, and a rolled-back one emits nothing', async () => {
    const s = await subscribe({ service: A.service });
    const [victim, spared] = t.scenario.a.services[0]!.bindings.slice(5, 7) as [string, string];
    if (TEST_DATABASE_URL) {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path="${t.db.schema}"` });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('DELETE FROM bindings WHERE sid = $1', [spared]);
        await client.query('ROLLBACK');
        await client.query(`UPDATE bindings SET message_types = '{typing}' WHERE sid = $1`, [victim]);
      } finally {
        await client.end();
      }
    } else {
      await t.db.prisma
        .$transaction(async (tx) => {
          await tx.$executeRaw`DELETE FROM bindings WHERE sid = ${spared}`;
          throw new Error('roll back');
        })
        .catch(() => {});
      await t.db.prisma.$executeRaw`UPDATE bindings SET message_types = '{typing}' WHERE sid = ${victim}`;
    }
    expect(await nextEvent(s)).toMatchObject({ kind: 'UPDATED', binding: { sid: victim, messageTypes: ['typing'] } });
    expect(await s.quiet(150)).toEqual([]);
    expect(await t.db.prisma.binding.count({ where: { sid: spared } })).toBe(1);
  });

  it.runIf(TEST_DATABASE_URL)('a second gateway on the same database: its REST delete reaches this one’s subscribers', async () => {
    const db2 = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: t.db.schema! });
    const app2 = await createApp(db2, logger);
    try {
      const s = await subscribe({ service: A.service });
      const sid = t.scenario.a.services[0]!.bindings[8]!;
      const rest = await app2.fetch(
        new Request(`http://second.test/v2/Services/${A.service}/Bindings/${sid}`, { method: 'DELETE', headers: { authorization: A.auth } }),
      );
      expect(rest.status).toBe(204);
      expect(await nextEvent(s)).toMatchObject({ kind: 'DELETED', binding: { sid } });
    } finally {
      await app2.close();
      await db2.close();
    }
  });

  it('a row too large for a NOTIFY payload still arrives whole (read back, or from the audit trail when deleted)', async () => {
    const s = await subscribe({ service: A.service });
    const sid = t.scenario.a.services[0]!.bindings[9]!;
    const many = Array.from({ length: 200 }, (_, i) => `message_type_number_${i}_${'x'.repeat(20)}`);
    await t.db.prisma.$executeRaw`UPDATE bindings SET message_types = ${many}::text[] WHERE sid = ${sid}`;
    expect(await nextEvent(s)).toMatchObject({ kind: 'UPDATED', binding: { sid, messageTypes: many } });
    expect((await t.graphql(DELETE, { id: sid })).body.errors).toBeUndefined();
    expect(await nextEvent(s)).toMatchObject({ kind: 'DELETED', binding: { sid, messageTypes: many } });
  });
});

describe('tenancy and filters', () => {
  it("never delivers another account's writes, and A's service is as unknown to B as a service that does not exist", async () => {
    const s = await subscribe({ service: B.service }, B.auth);
    await register(A.service, 'not-for-b@example.com');
    const ownB = await register(B.service, 'b-own@example.com', B.auth);
    // B's own write comes first and alone: A's, committed before it, never came.
    expect(await nextEvent(s)).toMatchObject({ kind: 'REGISTERED', binding: { sid: ownB, accountSid: B.sid } });
    expect(await s.quiet(100)).toEqual([]);

    const foreign = await openSse(await t.app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, { service: A.service }, B.auth)));
    const unknown = await openSse(await t.app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, { service: 'IS00000000000000000000000000000000' }, B.auth)));
    const f = await foreign.next();
    const u = await unknown.next();
    expect(f.json.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(f.data.replace(A.service, 'IS?')).toBe(u.data.replace('IS00000000000000000000000000000000', 'IS?'));
    expect(foreign.response.status).toBe(unknown.response.status);
    // JSON clients get the same answer too.
    const json = await t.graphql(SUBSCRIBE, { service: A.service }, B.auth);
    expect(json.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(json.body)).not.toContain(A.sid);
  });

  it('honours the filter, evaluated on each binding', async () => {
    const s = await subscribe({ service: A.service, filter: { identityPrefix: 'match-', bindingType: ['FCM'] } });
    await register(A.service, 'nomatch-1@example.com');
    const hit = await register(A.service, 'match-1@example.com');
    expect(await nextEvent(s)).toMatchObject({ kind: 'REGISTERED', binding: { sid: hit, identity: 'match-1@example.com' } });
    expect(await s.quiet(100)).toEqual([]);
  });
});

describe('limits', () => {
  it('refuses subscriptions over the per-credential limit, and frees a slot when a stream ends', async () => {
    const key = await createApiKey(t.db.prisma, { accountSid: A.sid, friendlyName: 'events key' });
    const auth = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await subscribe({ service: A.service }, auth));
    await ready(streams[2]!);
    const over = await subscribe({ service: A.service }, auth);
    const refused = await over.next();
    expect(refused.json.errors[0].extensions.code).toBe('SUBSCRIPTION_LIMIT_EXCEEDED');
    expect(refused.json.errors[0].message).toContain('EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL');
    // Another credential of the same account has its own budget.
    const other = await subscribe({ service: A.service });
    await ready(other);
    await streams[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await subscribe({ service: A.service }, auth);
    await ready(again);
  });

  it('over HTTP, a client that hangs up frees its slot at once (no event needed to notice)', async () => {
    const server = await listen(t.app);
    try {
      const key = await createApiKey(t.db.prisma, { accountSid: A.sid, friendlyName: 'hang-up key' });
      const auth = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
      const openOne = async () => {
        const abort = new AbortController();
        const response = await fetch(sseRequest(`${server.baseUrl}/graphql`, SUBSCRIBE, { service: A.service }, auth, abort.signal));
        const stream = await openSse(response, abort);
        open.push(stream);
        return stream;
      };
      const streams = [await openOne(), await openOne(), await openOne()];
      await ready(streams[2]!);
      // Each has read its last event and waits for the next: only the hang-up can end it.
      await Promise.all(streams.map((s) => s.close()));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const fourth = await openOne();
      expect(await fourth.quiet(100)).toEqual([]);
      await ready(fourth);
    } finally {
      await server.close();
    }
  });

  it('ends the stream of a consumer that stops reading with SLOW_CONSUMER instead of buffering', async () => {
    const response = await t.app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, { service: A.service }, A.auth));
    // Nothing is read for now: the body stream pulls at most one event ahead.
    for (let i = 0; i < 30; i++) await register(A.service, `burst-${i}@example.com`);
    const s = await openSse(response);
    open.push(s);
    let events = 0;
    let message = await s.next();
    while (message.event === 'next' && !message.json.errors) {
      events++;
      message = await s.next();
    }
    expect(events).toBeLessThanOrEqual(1);
    expect(message.json.errors[0].extensions.code).toBe('SLOW_CONSUMER');
    expect(message.json.errors[0].message).toContain('EVENTS_QUEUE_SIZE');
    expect(await s.next()).toMatchObject({ event: 'complete' });
    expect(t.app && (await subscribe({ service: A.service }))).toBeDefined();
  });

  it('is priced like a query: a costly selection is refused before it starts', async () => {
    const r = await t.graphql(
      `subscription($s: String!) { bindingEvents(serviceSid: $s) { binding { service { bindings(first: 1000) { nodes { service { bindings(first: 1000) { nodes { sid } } } } } } } } }`,
      { s: A.service },
    );
    expect(r.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
  });
});

describe('streams end with an error when events may be missed', () => {
  it('on shutdown: open streams end at once, and new subscriptions are refused', async () => {
    const t2 = await startTestApp({ seed: 'events-shutdown' });
    try {
      const service = t2.scenario.a.services[0]!.sid;
      const s = await openSse(await t2.app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, { service }, t2.scenario.a.authorization)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      t2.app.beginShutdown();
      const error = await endingError(s);
      expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.message).toContain('shutting down');
      // Refused like any request meeting an outage: a 503 (see serviceUnavailablePlugin).
      const late = await t2.app.fetch(sseRequest(GRAPHQL_URL, SUBSCRIBE, { service }, t2.scenario.a.authorization));
      expect(late.status).toBe(503);
      expect(((await late.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await t2.app.close();
      await t2.close();
    }
  });

  it.runIf(TEST_DATABASE_URL)('over HTTP, when the listening connection is terminated: an error event, then subscriptions work again', async () => {
    const server = await listen(t.app);
    try {
      const abort = new AbortController();
      const response = await fetch(sseRequest(`${server.baseUrl}/graphql`, SUBSCRIBE, { service: A.service }, A.auth, abort.signal));
      const s = await openSse(response, abort);
      open.push(s);
      await ready(s);
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          listenerApplicationName(t.db.schema),
        ]);
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      const error = await endingError(s);
      expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.message).toContain('events may have been missed');
      // The listener reconnects (backoff from 200 ms): a new subscription then works.
      let again: SseStream | undefined;
      for (let i = 0; i < 50 && !again; i++) {
        // Refused with a 503 while not listening.
        const candidate = await subscribe({ service: A.service });
        if (candidate.response.status === 200) again = candidate;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(again).toBeDefined();
      await ready(again!);
    } finally {
      await server.close();
    }
  });
});

describe('credentials', () => {
  it('a stream ends with UNAUTHENTICATED when its API key is revoked or its auth token rotated; others go on', async () => {
    const key = await createApiKey(t.db.prisma, { accountSid: B.sid, friendlyName: 'revoked soon' });
    const keyAuth = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
    const byKey = await subscribe({ service: B.service }, keyAuth);
    const byToken = await subscribe({ service: B.service }, B.auth);
    await ready(byToken, B.service, B.auth);
    expect(await nextEvent(byKey)).toMatchObject({ kind: 'REGISTERED' });
    await revokeApiKey(t.db.prisma, key.sid);
    const revoked = await endingError(byKey);
    expect(revoked.extensions.code).toBe('UNAUTHENTICATED');
    expect(revoked.message).toContain('revoked');
    // The account's own token is untouched: its stream goes on.
    await ready(byToken, B.service, B.auth);
    await rotateAuthToken(t.db.prisma, B.sid);
    expect((await endingError(byToken)).extensions.code).toBe('UNAUTHENTICATED');
  });
});
