/**
 * Read-only keys cannot delete through either front door; revoked keys and
 * rotated tokens fail; every deletion is audited exactly once (account,
 * credential, front door, request id, the row as it was) and a failed one
 * not at all — also when two deletes of the same binding race.
 *
 * Each test deletes bindings of account A's big service that no other test uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Binding } from '../../src/domain/bindings.js';
import { hashSecret, newAuthToken } from '../../src/security/secrets.js';
import { backend } from '../helpers/db.js';
import { type Answer, basicAuth, type Harness, makeApiKey, startHarness, type TestKey } from '../helpers/isolation.js';

let h: Harness;
let IS: string;
let readKey: TestKey;
let writeKey: TestKey;
/** Bindings of A's big service, handed out one by one so no two tests touch the same. */
let spare: string[];

beforeAll(async () => {
  h = await startHarness({ seed: 'credentials', bigServiceBindings: 90 });
  IS = h.scenario.a.services[0]!.sid;
  spare = [...h.scenario.a.services[0]!.bindings];
  readKey = await makeApiKey(h.db, h.scenario.a.sid, 'read');
  writeKey = await makeApiKey(h.db, h.scenario.a.sid, 'read-write');
});

afterAll(async () => {
  await h?.close();
});

const A = () => h.scenario.a;
const takeBinding = (): string => {
  const sid = spare.shift();
  if (!sid) throw new Error('out of spare bindings');
  return sid;
};
const row = (sid: string) => h.db.prisma.binding.findUnique({ where: { sid } });
const auditOf = (sid: string) => h.db.prisma.bindingDeletion.findMany({ where: { bindingSid: sid } });
const auditCount = () => h.db.prisma.bindingDeletion.count();

/**
 * Gateways cache verified credentials and empty the cache when the database
 * notifies a change to them (src/security/credential-cache.ts). PGlite delivers the
 * NOTIFY before the changing statement returns: the very next request must
 * fail, nothing to wait for. A Postgres server sends it to the gateway's
 * listening connection when the change commits, on another socket than the
 * one the change returned on: wait until the gateway has heard it (a
 * millisecond or so; at most 1 s), asking with `status`.
 */
async function changeHeard(status: () => Promise<number>): Promise<void> {
  if (backend === 'pglite') return;
  const deadline = Date.now() + 1_000;
  while ((await status()) !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

const DELETE = `mutation Delete($id: ID!) { deleteBinding(input: { id: $id }) { deletedBindingId binding { sid accountSid endpoint } } }`;

function gqlDelete(sid: string, authorization: string, headers: Record<string, string> = {}): Promise<Answer> {
  return h.graphql(DELETE, { id: sid }, authorization, headers);
}

/** The REST paths a binding can be deleted by: under its service, and under its user by sid and by identity. */
type RestPath = 'service' | 'user-sid' | 'user-identity';

function restPath(b: Pick<Binding, 'sid' | 'serviceSid' | 'userSid' | 'identity'>, via: RestPath): string {
  const base = `/v2/Services/${b.serviceSid}`;
  if (via === 'service') return `${base}/Bindings/${b.sid}`;
  const user = via === 'user-sid' ? b.userSid : encodeURIComponent(b.identity);
  return `${base}/Users/${user}/Bindings/${b.sid}`;
}

const twilio403 = {
  code: 20403,
  message: expect.any(String),
  more_info: 'https://www.twilio.com/docs/errors/20403',
  status: 403,
};

/** The audit's `binding` (to_jsonb of the row: snake_case, timestamps without a zone) as a Prisma row. */
function auditedRow(json: unknown): Binding {
  const j = json as Record<string, any>;
  const date = (v: string) => new Date(/(Z|[+-]\d\d:?\d\d)$/.test(v) ? v : `${v}Z`);
  return {
    sid: j.sid,
    accountSid: j.account_sid,
    serviceSid: j.service_sid,
    userSid: j.user_sid,
    identity: j.identity,
    endpoint: j.endpoint,
    bindingType: j.binding_type,
    credentialSid: j.credential_sid,
    messageTypes: j.message_types,
    dateCreated: date(j.date_created),
    dateUpdated: date(j.date_updated),
  };
}

const BINDING_COLUMNS = [
  'account_sid',
  'binding_type',
  'credential_sid',
  'date_created',
  'date_updated',
  'endpoint',
  'identity',
  'message_types',
  'service_sid',
  'sid',
  'user_sid',
];

/** Exactly one audit row for `before.sid`, naming who deleted it, how, in which request, and the row as it was. */
async function expectAudited(before: Binding, who: { credentialSid: string; frontDoor: 'graphql' | 'rest'; requestId: string | null }) {
  const rows = await auditOf(before.sid);
  expect(rows).toHaveLength(1);
  const [audit] = rows;
  expect(audit).toMatchObject({
    sid: expect.stringMatching(/^DL[0-9a-f]{32}$/),
    accountSid: A().sid,
    credentialSid: who.credentialSid,
    frontDoor: who.frontDoor,
    requestId: who.requestId,
    bindingSid: before.sid,
    serviceSid: before.serviceSid,
  });
  expect(Object.keys(audit!.binding as object).sort()).toEqual(BINDING_COLUMNS);
  expect(auditedRow(audit!.binding)).toEqual(before);
}

describe('a read-only key', () => {
  it('can list and query through both front doors', async () => {
    const sid = A().services[0]!.bindings[0]!;
    const q = await h.graphql(
      `query($s: String!, $id: ID!) { services(first: 10) { nodes { sid } } service(sid: $s) { bindings(first: 3) { totalCount nodes { sid } } } node(id: $id) { id } }`,
      { s: IS, id: sid },
      readKey.authorization,
    );
    expect(q.status).toBe(200);
    expect(q.json.errors).toBeUndefined();
    expect(q.json.data.services.nodes.map((s: { sid: string }) => s.sid)).toContain(IS);
    expect(q.json.data.service.bindings.nodes).toHaveLength(3);
    expect(q.json.data.node).toEqual({ id: sid });

    const b = (await row(sid))!;
    for (const path of [
      `/v2/Services/${IS}`,
      `/v2/Services/${IS}/Bindings`,
      `/v2/Services/${IS}/Users`,
      restPath(b, 'service'),
      restPath(b, 'user-sid'),
      restPath(b, 'user-identity'),
      `/v2/Services/${IS}/Users/${b.userSid}/Bindings`,
    ]) {
      const r = await h.request('GET', path, readKey.authorization);
      expect(r.status, `${path}: ${r.text}`).toBe(200);
    }
  });

  it('cannot delete through GraphQL: FORBIDDEN, the binding stays, nothing is audited', async () => {
    const sid = takeBinding();
    const before = await row(sid);
    const audits = await auditCount();
    const r = await gqlDelete(sid, readKey.authorization);
    expect(r.status).toBe(200);
    expect(r.json.data ?? null).toBeNull();
    expect(r.json.errors.map((e: any) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await row(sid)).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it.each<RestPath>(['service', 'user-sid', 'user-identity'])(
    'cannot delete through REST (%s path): 403 Twilio body, the binding stays, nothing is audited',
    async (via) => {
      const sid = takeBinding();
      const before = (await row(sid))!;
      const audits = await auditCount();
      const r = await h.request('DELETE', restPath(before, via), readKey.authorization);
      expect(r.status).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.json).toEqual(twilio403);
      expect(Object.keys(r.json).sort()).toEqual(['code', 'message', 'more_info', 'status']);
      expect(await row(sid)).toEqual(before);
      expect(await auditCount()).toBe(audits);
    },
  );
});

describe('a read-write key and the account token can delete, and each deletion is audited once', () => {
  const credentials = [
    { label: 'read-write key', auth: () => writeKey.authorization, credentialSid: () => writeKey.sid },
    { label: 'account token', auth: () => A().authorization, credentialSid: () => A().sid },
  ];
  const doors: Array<{ label: string; door: 'graphql' | 'rest'; via?: RestPath }> = [
    { label: 'GraphQL deleteBinding', door: 'graphql' },
    { label: 'REST DELETE under the service', door: 'rest', via: 'service' },
    { label: 'REST DELETE under the user (sid)', door: 'rest', via: 'user-sid' },
    { label: 'REST DELETE under the user (identity)', door: 'rest', via: 'user-identity' },
  ];
  const cases = credentials.flatMap((cred) => doors.map((door) => ({ ...door, cred, name: `${cred.label}, ${door.label}` })));

  it.each(cases)('$name, with a client x-request-id', async ({ cred, door, via }) => {
    const sid = takeBinding();
    const before = (await row(sid))!;
    const requestId = `audit-${door}-${sid.slice(-8)}`;
    const r = via
      ? await h.request('DELETE', restPath(before, via), cred.auth(), { 'x-request-id': requestId })
      : await gqlDelete(sid, cred.auth(), { 'x-request-id': requestId });
    if (door === 'graphql') {
      expect(r.json).toEqual({ data: { deleteBinding: { deletedBindingId: sid, binding: { sid, accountSid: A().sid, endpoint: before.endpoint } } } });
    } else {
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
    }
    expect(r.headers.get('x-request-id')).toBe(requestId);
    expect(await row(sid)).toBeNull();
    await expectAudited(before, { credentialSid: cred.credentialSid(), frontDoor: door, requestId });
  });

  it.each(cases.filter((c) => c.door === 'rest'))('$name, without one: the audit has the id the response names', async ({ cred, via }) => {
    const sid = takeBinding();
    const before = (await row(sid))!;
    const r = await h.request('DELETE', restPath(before, via!), cred.auth());
    expect(r.status).toBe(204);
    const requestId = r.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await expectAudited(before, { credentialSid: cred.credentialSid(), frontDoor: 'rest', requestId });
  });

  // A GraphQL request's body is re-read by the body-size gate; its id must survive that.
  it.each(cases.filter((c) => c.door === 'graphql'))('$name, without one: the audit has the id the response names', async ({ cred }) => {
    const sid = takeBinding();
    const before = (await row(sid))!;
    const r = await gqlDelete(sid, cred.auth());
    expect(r.json.data?.deleteBinding?.deletedBindingId).toBe(sid);
    const requestId = r.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await expectAudited(before, { credentialSid: cred.credentialSid(), frontDoor: 'graphql', requestId });
  });
});

describe('a revoked key', () => {
  it('fails with 401 on both front doors from the next request on, and deletes nothing', async () => {
    const key = await makeApiKey(h.db, A().sid, 'read-write', 'to be revoked');
    const sid = takeBinding();
    const before = (await row(sid))!;
    const query = () => h.graphql('{ account { sid } }', {}, key.authorization);
    const list = () => h.request('GET', `/v2/Services/${IS}/Bindings?PageSize=1`, key.authorization);
    expect((await query()).json).toEqual({ data: { account: { sid: A().sid } } });
    expect((await list()).status).toBe(200);

    await h.db.prisma.apiKey.update({ where: { sid: key.sid }, data: { revokedAt: new Date() } });
    await changeHeard(async () => (await query()).status);

    const q = await query();
    expect(q.status).toBe(401);
    expect(q.json.data ?? null).toBeNull();
    expect(q.json.errors.map((e: any) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const l = await list();
    expect(l.status).toBe(401);
    expect(l.json).toMatchObject({ code: 20003, status: 401, more_info: 'https://www.twilio.com/docs/errors/20003' });
    const audits = await auditCount();
    expect((await gqlDelete(sid, key.authorization)).status).toBe(401);
    expect((await h.request('DELETE', restPath(before, 'service'), key.authorization)).status).toBe(401);
    expect(await row(sid)).toEqual(before);
    expect(await auditCount()).toBe(audits);
    // The account's other credentials are untouched.
    expect((await h.request('GET', `/v2/Services/${IS}`, writeKey.authorization)).status).toBe(200);
  });
});

describe('a rotated auth token', () => {
  it('fails with 401 at once, and the new token works at once, on both front doors', async () => {
    const { b } = h.scenario;
    const service = `/v2/Services/${b.services[0]!.sid}`;
    const oldAuth = b.authorization;
    expect((await h.graphql('{ account { sid } }', {}, oldAuth)).status).toBe(200);
    expect((await h.request('GET', service, oldAuth)).status).toBe(200);

    const newToken = newAuthToken();
    await h.db.prisma.account.update({ where: { sid: b.sid }, data: { authTokenHash: hashSecret(newToken) } });
    const newAuth = basicAuth(b.sid, newToken);
    await changeHeard(async () => (await h.graphql('{ account { sid } }', {}, oldAuth)).status);

    const oldGql = await h.graphql('{ account { sid } }', {}, oldAuth);
    expect(oldGql.status).toBe(401);
    expect(oldGql.json.errors.map((e: any) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const oldRest = await h.request('GET', service, oldAuth);
    expect(oldRest.status).toBe(401);
    expect(oldRest.json).toMatchObject({ code: 20003, status: 401 });

    expect((await h.graphql('{ account { sid } }', {}, newAuth)).json).toEqual({ data: { account: { sid: b.sid } } });
    expect((await h.request('GET', service, newAuth)).status).toBe(200);
  });
});

describe('audit atomicity', () => {
  it('a delete that fails writes no audit row and removes nothing', async () => {
    const gone = takeBinding();
    const goneRow = (await row(gone))!;
    expect((await gqlDelete(gone, A().authorization)).json.data.deleteBinding.deletedBindingId).toBe(gone);
    const audits = await auditCount();
    const bindings = await h.db.prisma.binding.count();

    const live = (await row(takeBinding()))!;
    const other = await h.db.prisma.user.findFirstOrThrow({ where: { serviceSid: live.serviceSid, NOT: { sid: live.userSid } } });
    const bBinding = h.scenario.b.services[0]!.bindings[0]!;
    const unknown = `BS${'0'.repeat(32)}`;
    const attempts: Array<[string, () => Promise<Answer>, 'NOT_FOUND' | 404]> = [
      ['GraphQL, unknown binding', () => gqlDelete(unknown, A().authorization), 'NOT_FOUND'],
      ['GraphQL, already deleted', () => gqlDelete(gone, writeKey.authorization), 'NOT_FOUND'],
      ["GraphQL, B's binding", () => gqlDelete(bBinding, A().authorization), 'NOT_FOUND'],
      ['REST, unknown binding', () => h.request('DELETE', `/v2/Services/${IS}/Bindings/${unknown}`, A().authorization), 404],
      ['REST, already deleted', () => h.request('DELETE', restPath(goneRow, 'service'), writeKey.authorization), 404],
      ['REST, already deleted, user path', () => h.request('DELETE', restPath(goneRow, 'user-identity'), A().authorization), 404],
      ["REST, B's binding under A's service", () => h.request('DELETE', `/v2/Services/${IS}/Bindings/${bBinding}`, A().authorization), 404],
      [
        'REST, live binding under the wrong service',
        () => h.request('DELETE', `/v2/Services/${A().services[1]!.sid}/Bindings/${live.sid}`, A().authorization),
        404,
      ],
      [
        'REST, live binding under the wrong user',
        () => h.request('DELETE', `/v2/Services/${IS}/Users/${other.sid}/Bindings/${live.sid}`, writeKey.authorization),
        404,
      ],
    ];
    for (const [label, attempt, expected] of attempts) {
      const r = await attempt();
      if (expected === 404) {
        expect(r.status, label).toBe(404);
        expect(r.json, label).toMatchObject({ code: 20404, status: 404 });
      } else {
        expect(
          r.json.errors?.map((e: any) => e.extensions?.code),
          label,
        ).toEqual(['NOT_FOUND']);
      }
    }
    expect(await auditCount()).toBe(audits);
    expect(await h.db.prisma.binding.count()).toBe(bindings);
    expect(await row(live.sid)).toEqual(live);
  });

  it('concurrent deletes of the same binding: exactly one succeeds and exactly one audit row is written', async () => {
    for (let round = 0; round < 6; round++) {
      const sid = takeBinding();
      const before = (await row(sid))!;
      const requestIds = Array.from({ length: 4 }, (_, i) => `race-${round}-${i}`);
      // Four at once, through both front doors and both kinds of credential.
      const attempts = await Promise.all([
        gqlDelete(sid, A().authorization, { 'x-request-id': requestIds[0]! }),
        h.request('DELETE', restPath(before, 'service'), writeKey.authorization, { 'x-request-id': requestIds[1]! }),
        gqlDelete(sid, writeKey.authorization, { 'x-request-id': requestIds[2]! }),
        h.request('DELETE', restPath(before, 'user-identity'), A().authorization, { 'x-request-id': requestIds[3]! }),
      ]);
      const won = attempts.map((r, i) => (i % 2 === 0 ? r.json?.data?.deleteBinding?.deletedBindingId === sid : r.status === 204));
      const lost = attempts.map((r, i) => (i % 2 === 0 ? r.json?.errors?.[0]?.extensions?.code === 'NOT_FOUND' : r.status === 404));
      expect(won.filter(Boolean), `round ${round}: ${attempts.map((r) => `${r.status} ${r.text}`).join(' | ')}`).toHaveLength(1);
      expect(won.map((w, i) => w || lost[i])).toEqual([true, true, true, true]);
      const winner = won.indexOf(true);
      expect(await row(sid)).toBeNull();
      await expectAudited(before, {
        credentialSid: winner === 0 || winner === 3 ? A().sid : writeKey.sid,
        frontDoor: winner % 2 === 0 ? 'graphql' : 'rest',
        requestId: requestIds[winner]!,
      });
    }
  });
});
