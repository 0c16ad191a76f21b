/**
 * The registerBinding mutation: a device's first registration adds its binding
 * (and the user, on the identity's first), the same device again updates that
 * binding, concurrent registrations of one device leave one row, every refused
 * field is named, read-only keys and other accounts' services and credentials
 * are refused before anything is written, and every registration is audited.
 * Each test registers devices of its own (endpoints and identities with the
 * test's name in them).
 */
import type { ResultOf } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BindingType } from '../../src/domain/bindings.js';
import { MAX_ENDPOINT_BYTES, MAX_IDENTITY_LENGTH } from '../../src/domain/registrations.js';
import { newSid } from '../../src/domain/sids.js';
import type { RegisterBindingInput } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { errorCodes, type GraphQLResult, startTestApp, type TestApp, warmCredentialCache } from '../helpers/app.js';
import { makeApiKey, type TestKey } from '../helpers/isolation.js';
import { bindingFieldsJson } from './fragments.js';

const Register = graphql(`
  mutation RegisterBinding($input: RegisterBindingInput!) {
    registerBinding(input: $input) {
      created
      clientMutationId
      binding { ...BindingFields }
    }
  }
`);

const RegisterWithTotals = graphql(`
  mutation RegisterBindingWithTotals($input: RegisterBindingInput!) {
    registerBinding(input: $input) {
      created
      binding {
        sid
        service { bindings(first: 1) { totalCount } users(first: 1) { totalCount } }
        user { bindings(first: 100) { totalCount nodes { sid } } }
      }
    }
  }
`);

const Totals = graphql(`
  query RegisterTotals($service: String!) {
    service(sid: $service) {
      bindings(first: 1) { totalCount }
      fcm: bindings(first: 1, bindingType: [FCM]) { totalCount }
      users(first: 1) { totalCount }
    }
  }
`);

type Input = RegisterBindingInput;

let t: TestApp;
let A: { sid: string; service: string; credentials: Record<BindingType, string> };
let B: { sid: string; service: string; credentials: Record<BindingType, string> };
let readKey: TestKey;
let writeKey: TestKey;

async function accountOf(scenario: TestApp['scenario']['a']) {
  const credentials = await t.db.prisma.credential.findMany({ where: { accountSid: scenario.sid } });
  const byType = Object.fromEntries(credentials.map((c) => [c.type, c.sid])) as Record<BindingType, string>;
  return { sid: scenario.sid, service: scenario.services[0]!.sid, credentials: byType };
}

beforeAll(async () => {
  t = await startTestApp({ seed: 'register' });
  A = await accountOf(t.scenario.a);
  B = await accountOf(t.scenario.b);
  readKey = await makeApiKey(t.db, A.sid, 'read');
  writeKey = await makeApiKey(t.db, A.sid, 'read-write');
});

afterAll(async () => {
  await t?.close();
});

/** A valid registration of a new device of a new identity in A's big service, with `patch` applied. */
function input(name: string, patch: Partial<Input> = {}): Input {
  return {
    serviceSid: A.service,
    identity: `${name}@register.example`,
    bindingType: 'FCM',
    endpoint: `${name}:APA91bH`,
    credentialSid: A.credentials.fcm,
    messageTypes: ['new_message', 'added_to_channel'],
    ...patch,
  };
}

/** Posts the registration, as A unless told otherwise, with optional extra headers (an x-request-id). */
async function register(
  value: Input,
  headers: Record<string, string> = {},
  authorization: string = t.scenario.a.authorization,
): Promise<GraphQLResult<ResultOf<typeof Register>>> {
  const response = await t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization, ...headers },
    body: JSON.stringify({ query: print(Register), variables: { input: value } }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** What a registration can write: compared before and after refused ones. */
async function counts() {
  const p = t.db.prisma;
  return {
    bindings: await p.binding.count(),
    users: await p.user.count(),
    registrations: await p.bindingRegistration.count(),
    maintained: (await p.bindingCount.findMany({ orderBy: [{ serviceSid: 'asc' }, { bindingType: 'asc' }] })).map(
      (c) => `${c.serviceSid} ${c.bindingType} ${c.count}`,
    ),
  };
}

const totals = () => t.data(Totals, { service: A.service });
const bindingRow = (sid: string) => t.db.prisma.binding.findUniqueOrThrow({ where: { sid } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function payloadOf(result: GraphQLResult<ResultOf<typeof Register>>) {
  if (result.status !== 200 || result.body.errors || !result.body.data) {
    throw new Error(`expected data without errors, got HTTP ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body.data.registerBinding;
}

describe('a first registration', () => {
  const value = () => input('first', { clientMutationId: 'reg-1' });
  let before: Awaited<ReturnType<typeof counts>>;
  let totalsBefore: Awaited<ReturnType<typeof totals>>;
  let result: Awaited<ReturnType<typeof register>>;

  beforeAll(async () => {
    before = await counts();
    totalsBefore = await totals();
    result = await register(value(), { 'x-request-id': 'register-first-1' });
  });

  it('answers created: true, the binding as written and the clientMutationId', async () => {
    expect(result.status).toBe(200);
    const payload = result.body.data!.registerBinding;
    expect(payload.created).toBe(true);
    expect(payload.clientMutationId).toBe('reg-1');
    const row = await bindingRow(payload.binding.sid);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { sid: row.userSid } });
    expect(result.body).toEqual({
      data: {
        registerBinding: {
          created: true,
          clientMutationId: 'reg-1',
          binding: bindingFieldsJson(row, { sid: user.sid, identity: user.identity }, { sid: A.credentials.fcm, type: 'fcm' }),
        },
      },
    });
    expect(row).toMatchObject({
      accountSid: A.sid,
      serviceSid: A.service,
      identity: value().identity,
      endpoint: value().endpoint,
      bindingType: 'fcm',
      credentialSid: A.credentials.fcm,
      messageTypes: ['new_message', 'added_to_channel'],
    });
    expect(row.sid).toMatch(/^BS[0-9a-f]{32}$/);
    expect(row.dateUpdated).toEqual(row.dateCreated);
    expect(Math.abs(row.dateCreated.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('creates the user of the new identity in the service', async () => {
    const row = await bindingRow(result.body.data!.registerBinding.binding.sid);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { sid: row.userSid } });
    expect(user).toMatchObject({ serviceSid: A.service, identity: value().identity, friendlyName: null });
    expect(user.sid).toMatch(/^US[0-9a-f]{32}$/);
    expect(await counts()).toMatchObject({ bindings: before.bindings + 1, users: before.users + 1, registrations: before.registrations + 1 });
  });

  it('counts the binding once in the maintained totals', async () => {
    const now = await totals();
    expect(now.service!.bindings.totalCount).toBe(totalsBefore.service!.bindings.totalCount + 1);
    expect(now.service!.fcm.totalCount).toBe(totalsBefore.service!.fcm.totalCount + 1);
    expect(now.service!.users.totalCount).toBe(totalsBefore.service!.users.totalCount + 1);
  });

  it('is audited: account, credential, front door, request id, binding, service, created and the row as written', async () => {
    const sid = result.body.data!.registerBinding.binding.sid;
    const row = await bindingRow(sid);
    const audit = await t.db.prisma.bindingRegistration.findMany({ where: { bindingSid: sid } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      accountSid: A.sid,
      credentialSid: A.sid,
      frontDoor: 'graphql',
      requestId: 'register-first-1',
      bindingSid: sid,
      serviceSid: A.service,
      created: true,
    });
    expect(audit[0]!.sid).toMatch(/^RG[0-9a-f]{32}$/);
    expect(audit[0]!.binding).toMatchObject({
      sid,
      account_sid: A.sid,
      service_sid: A.service,
      user_sid: row.userSid,
      identity: row.identity,
      endpoint: row.endpoint,
      binding_type: 'fcm',
      credential_sid: A.credentials.fcm,
      message_types: ['new_message', 'added_to_channel'],
    });
    expect(audit[0]!.dateCreated).toEqual(row.dateUpdated);
  });
});

describe('the same device registering again', () => {
  let first: { sid: string; row: Awaited<ReturnType<typeof bindingRow>> };
  let otherFcm: string;
  let before: Awaited<ReturnType<typeof counts>>;
  let again: Awaited<ReturnType<typeof register>>;

  beforeAll(async () => {
    otherFcm = (await t.db.prisma.credential.create({ data: { sid: newSid('CR'), accountSid: A.sid, friendlyName: 'Alpha fcm 2', type: 'fcm' } })).sid;
    const sid = payloadOf(await register(input('again'))).binding.sid;
    first = { sid, row: await bindingRow(sid) };
    before = await counts();
    await sleep(10);
    again = await register(input('again', { credentialSid: otherFcm, messageTypes: ['invited_to_channel'] }), { 'x-request-id': 'register-again-2' });
  });

  it('keeps the sid, answers created: false, and updates credential, messageTypes and dateUpdated', async () => {
    const payload = payloadOf(again);
    expect(payload.created).toBe(false);
    expect(payload.binding.sid).toBe(first.sid);
    const row = await bindingRow(first.sid);
    expect(row).toEqual({
      ...first.row,
      credentialSid: otherFcm,
      messageTypes: ['invited_to_channel'],
      dateUpdated: row.dateUpdated,
    });
    expect(row.dateUpdated.getTime()).toBeGreaterThan(first.row.dateUpdated.getTime());
    expect(row.dateCreated).toEqual(first.row.dateCreated);
  });

  it('adds no binding and no user, and leaves the maintained counts as they were', async () => {
    expect(await counts()).toEqual({ ...before, registrations: before.registrations + 1 });
  });

  it('is audited again, as an update', async () => {
    const audit = await t.db.prisma.bindingRegistration.findMany({ where: { bindingSid: first.sid }, orderBy: { dateCreated: 'asc' } });
    expect(audit.map((a) => [a.created, a.requestId === 'register-again-2'])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(audit[1]!.binding).toMatchObject({ sid: first.sid, credential_sid: otherFcm, message_types: ['invited_to_channel'] });
  });

  it('reports the state after the write in the same response (totals, the user’s bindings)', async () => {
    const was = await totals();
    const result = await t.data(RegisterWithTotals, { input: input('again', { credentialSid: otherFcm, messageTypes: [] }) });
    expect(result.registerBinding.created).toBe(false);
    expect(result.registerBinding.binding.service.bindings.totalCount).toBe(was.service!.bindings.totalCount);
    expect(result.registerBinding.binding.service.users.totalCount).toBe(was.service!.users.totalCount);
    expect(result.registerBinding.binding.user.bindings.nodes.map((n) => n.sid)).toEqual([first.sid]);
    expect((await bindingRow(first.sid)).messageTypes).toEqual([]);
  });
});

describe('other devices', () => {
  it('a new device of an existing user adds a binding under that user, and no user', async () => {
    const existing = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: A.service }, orderBy: { sid: 'asc' } });
    const before = await counts();
    const result = await t.data(RegisterWithTotals, { input: input('existing-user', { identity: existing.identity, endpoint: 'existing-user-device' }) });
    expect(result.registerBinding.created).toBe(true);
    const row = await bindingRow(result.registerBinding.binding.sid);
    expect(row.userSid).toBe(existing.sid);
    expect(result.registerBinding.binding.user.bindings.nodes.map((n) => n.sid)).toContain(row.sid);
    expect(await counts()).toMatchObject({ bindings: before.bindings + 1, users: before.users, registrations: before.registrations + 1 });
  });

  it.each<[string, () => Partial<Input>]>([
    ['another endpoint', () => ({ endpoint: 'other-device-2:APA91bH' })],
    ['the same endpoint with another binding type', () => ({ bindingType: 'GCM', credentialSid: A.credentials.gcm })],
    ['the same endpoint under another identity', () => ({ identity: 'other-device-2@register.example' })],
  ])('%s is another binding', async (_label, patch) => {
    const base = input('other-device');
    const original = payloadOf(await register(base)).binding.sid;
    const before = await counts();
    const payload = payloadOf(await register({ ...base, ...patch() }));
    expect(payload.created).toBe(true);
    expect(payload.binding.sid).not.toBe(original);
    expect((await counts()).bindings).toBe(before.bindings + 1);
  });

  it('accepts the edges of every field: longest identity and endpoint, any visible characters, every message type, none', async () => {
    const cases: Input[] = [
      input('edge-1', { identity: '🙂'.repeat(MAX_IDENTITY_LENGTH), endpoint: 'e'.repeat(MAX_ENDPOINT_BYTES) }),
      input('edge-2', { identity: 'Zoë Müller (iPad) 中文', endpoint: 'é'.repeat(MAX_ENDPOINT_BYTES / 2) }),
      input('edge-3', { messageTypes: ['new_message', 'added_to_channel', 'invited_to_channel', 'removed_from_channel'] }),
      input('edge-4', { messageTypes: [] }),
      input('edge-5', { bindingType: 'APN', credentialSid: A.credentials.apn, endpoint: 'a'.repeat(64) }),
    ];
    for (const value of cases) {
      const payload = payloadOf(await register(value));
      expect(payload.created).toBe(true);
      const row = await bindingRow(payload.binding.sid);
      expect([row.identity, row.endpoint, row.messageTypes]).toEqual([value.identity, value.endpoint, value.messageTypes]);
    }
  });
});

describe('concurrent registrations', () => {
  it('of the same device: one row, exactly one created: true, no error', async () => {
    const before = await counts();
    const value = input('concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => register(value)));
    const payloads = results.map(payloadOf);
    expect(payloads.filter((p) => p.created)).toHaveLength(1);
    expect(new Set(payloads.map((p) => p.binding.sid)).size).toBe(1);
    const rows = await t.db.prisma.binding.findMany({ where: { serviceSid: A.service, identity: value.identity } });
    expect(rows.map((r) => r.sid)).toEqual([payloads[0]!.binding.sid]);
    expect(await t.db.prisma.user.count({ where: { serviceSid: A.service, identity: value.identity } })).toBe(1);
    const audit = await t.db.prisma.bindingRegistration.findMany({ where: { bindingSid: rows[0]!.sid } });
    expect(audit.map((a) => a.created).sort()).toEqual([false, false, false, false, false, false, false, false, false, true]);
    const after = await counts();
    expect(after).toMatchObject({ bindings: before.bindings + 1, users: before.users + 1, registrations: before.registrations + 10 });
    expect(await maintainedMatchesRows()).toBe(true);
  });

  it('of several devices of one new identity: one row each and one user', async () => {
    const before = await counts();
    const values = Array.from({ length: 6 }, (_, i) => input('concurrent-user', { endpoint: `concurrent-user-device-${i}` }));
    const payloads = (await Promise.all(values.map((v) => register(v)))).map(payloadOf);
    expect(payloads.every((p) => p.created)).toBe(true);
    expect(new Set(payloads.map((p) => p.binding.sid)).size).toBe(6);
    const users = await t.db.prisma.user.findMany({ where: { serviceSid: A.service, identity: values[0]!.identity } });
    expect(users).toHaveLength(1);
    expect(await t.db.prisma.binding.count({ where: { userSid: users[0]!.sid } })).toBe(6);
    expect(await counts()).toMatchObject({ bindings: before.bindings + 6, users: before.users + 1, registrations: before.registrations + 6 });
  });
});

/** Whether binding_counts agrees with the rows, type by type, for every service. */
async function maintainedMatchesRows(): Promise<boolean> {
  const rows = await t.db.prisma.binding.groupBy({ by: ['serviceSid', 'bindingType'], _count: { _all: true } });
  const maintained = await t.db.prisma.bindingCount.findMany({ where: { count: { gt: 0 } } });
  const key = (s: string, b: string, n: number) => `${s} ${b} ${n}`;
  return (
    JSON.stringify(rows.map((r) => key(r.serviceSid, r.bindingType, r._count._all)).sort()) ===
    JSON.stringify(maintained.map((c) => key(c.serviceSid, c.bindingType, c.count)).sort())
  );
}

describe('refused fields: BAD_USER_INPUT naming the field, nothing written', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: Array<[string, Partial<Input> | (() => Partial<Input>), string]> = [
    ['a malformed service sid', { serviceSid: 'garbage' }, 'input.serviceSid'],
    ['an empty service sid', { serviceSid: '' }, 'input.serviceSid'],
    ['a service sid with upper-case hex', { serviceSid: `IS${'A'.repeat(32)}` }, 'input.serviceSid'],
    ['a service sid with a newline', { serviceSid: `IS${'a'.repeat(32)}\n` }, 'input.serviceSid'],
    ['a binding sid as the service', { serviceSid: `BS${'a'.repeat(32)}` }, 'input.serviceSid'],
    ['an empty identity', { identity: '' }, 'input.identity'],
    ['a blank identity', { identity: ' \t ' }, 'input.identity'],
    ['an identity with NUL', { identity: 'a\u0000b' }, 'input.identity'],
    ['an identity with a newline', { identity: 'a\nb' }, 'input.identity'],
    ['an identity with DEL', { identity: 'a\u007fb' }, 'input.identity'],
    ['an identity with a C1 control', { identity: 'a\u0085b' }, 'input.identity'],
    ['an identity with an unpaired surrogate', { identity: 'a\uD800b' }, 'input.identity'],
    ['an identity one character too long', { identity: long(MAX_IDENTITY_LENGTH + 1) }, 'input.identity'],
    ['an identity of the form of a user sid', { identity: `US${'b'.repeat(32)}` }, 'input.identity'],
    ['an empty endpoint', { endpoint: '' }, 'input.endpoint'],
    ['an endpoint with a space', { endpoint: 'abc def' }, 'input.endpoint'],
    ['an endpoint with a tab', { endpoint: 'abc\tdef' }, 'input.endpoint'],
    ['an endpoint with NUL', { endpoint: 'abc\u0000' }, 'input.endpoint'],
    ['an endpoint with a zero-width space', { endpoint: 'abc\u200Bdef' }, 'input.endpoint'],
    ['an endpoint with a no-break space', { endpoint: 'abc\u00A0def' }, 'input.endpoint'],
    ['an endpoint with an unpaired surrogate', { endpoint: 'abc\uDFFF' }, 'input.endpoint'],
    ['an endpoint one byte too long', { endpoint: long(MAX_ENDPOINT_BYTES + 1) }, 'input.endpoint'],
    ['an endpoint too long in UTF-8 bytes', { endpoint: 'é'.repeat(MAX_ENDPOINT_BYTES / 2 + 1) }, 'input.endpoint'],
    ['a malformed credential sid', { credentialSid: 'garbage' }, 'input.credentialSid'],
    ['the account sid as the credential', { credentialSid: `AC${'c'.repeat(32)}` }, 'input.credentialSid'],
    ['a credential of another push type', () => ({ credentialSid: A.credentials.apn }), 'input.credentialSid'],
    ['an unknown message type', { messageTypes: ['new_message', 'typing'] }, 'input.messageTypes[1]'],
    ['a message type in the wrong case', { messageTypes: ['NEW_MESSAGE'] }, 'input.messageTypes[0]'],
    ['an empty message type', { messageTypes: [''] }, 'input.messageTypes[0]'],
    ['a repeated message type', { messageTypes: ['new_message', 'added_to_channel', 'new_message'] }, 'input.messageTypes[2]'],
  ];

  it.each(cases)('%s', async (_label, patch, argument) => {
    const before = await counts();
    const value = input('refused', typeof patch === 'function' ? patch() : patch);
    const result = await register(value);
    expect(result.status).toBe(200);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.errors![0]).toMatchObject({ path: ['registerBinding'], extensions: { code: 'BAD_USER_INPUT', argument } });
    expect(result.body.errors![0]!.message.startsWith(`${argument} `)).toBe(true);
    expect(result.body.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('a binding type that is not one of APN, GCM, FCM is refused by the schema (in a variable or inline), naming the field', async () => {
    const before = await counts();
    const asVariable = await t.graphql(print(Register), { input: { ...input('refused-type'), bindingType: 'SMS' } });
    expect(asVariable.status).toBe(400);
    expect(asVariable.body.errors![0]!.message).toMatch(/"SMS" at "input\.bindingType"/);
    const inline = await t.graphql(
      `mutation { registerBinding(input: { serviceSid: "${A.service}", identity: "x", bindingType: apn, endpoint: "e", credentialSid: "${A.credentials.apn}", messageTypes: [] }) { created } }`,
    );
    expect(errorCodes(inline)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await counts()).toEqual(before);
  });
});

describe('a read-only key', () => {
  it('is FORBIDDEN before anything is read or written', async () => {
    await warmCredentialCache(t, readKey.authorization);
    const before = await counts();
    t.queries.length = 0;
    const result = await register(input('read-only'), {}, readKey.authorization);
    expect(t.queries).toEqual([]);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.body.errors![0]!.path).toEqual(['registerBinding']);
    expect(result.body.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it.each<[string, () => Partial<Input>]>([
    ['a refused field', () => ({ identity: '' })],
    ["another account's service", () => ({ serviceSid: B.service })],
  ])('is FORBIDDEN also with %s', async (_label, patch) => {
    const before = await counts();
    const value = input('read-only-2', patch());
    expect(errorCodes(await register(value, {}, readKey.authorization))).toEqual(['FORBIDDEN']);
    expect(await counts()).toEqual(before);
  });

  it('while a read-write key registers, audited with its own sid', async () => {
    const payload = payloadOf(await register(input('write-key'), {}, writeKey.authorization));
    expect(payload.created).toBe(true);
    const [audit] = await t.db.prisma.bindingRegistration.findMany({ where: { bindingSid: payload.binding.sid } });
    expect(audit).toMatchObject({ accountSid: A.sid, credentialSid: writeKey.sid, frontDoor: 'graphql', created: true });
    expect(audit!.requestId).toBeTruthy();
  });
});

describe("another account's service or credential", () => {
  const unknownService = `IS${'0'.repeat(31)}1`;
  const unknownCredential = `CR${'0'.repeat(31)}1`;

  it.each([
    [
      "B registering in A's service",
      () => ({
        auth: t.scenario.b.authorization,
        foreign: A.service,
        unknown: unknownService,
        field: 'serviceSid',
        other: { credentialSid: B.credentials.fcm },
      }),
    ],
    [
      "B registering with A's credential",
      () => ({
        auth: t.scenario.b.authorization,
        foreign: A.credentials.fcm,
        unknown: unknownCredential,
        field: 'credentialSid',
        other: { serviceSid: B.service },
      }),
    ],
    [
      "A registering with B's credential",
      () => ({ auth: t.scenario.a.authorization, foreign: B.credentials.fcm, unknown: unknownCredential, field: 'credentialSid', other: {} }),
    ],
  ] as const)('%s is NOT_FOUND, exactly like an unknown one, and writes nothing', async (_label, setup) => {
    const { auth, foreign, unknown, field, other } = setup();
    const before = await counts();
    const usersOfB = await t.db.prisma.user.count({ where: { service: { accountSid: B.sid } } });
    const foreignResult = await register(input('isolation', { ...other, [field]: foreign }), {}, auth);
    const unknownResult = await register(input('isolation', { ...other, [field]: unknown }), {}, auth);
    expect(errorCodes(foreignResult)).toEqual(['NOT_FOUND']);
    expect(foreignResult.body.data ?? null).toBeNull();
    expect(JSON.stringify(foreignResult.body).replaceAll(foreign, 'X')).toBe(JSON.stringify(unknownResult.body).replaceAll(unknown, 'X'));
    expect(await counts()).toEqual(before);
    expect(await t.db.prisma.user.count({ where: { service: { accountSid: B.sid } } })).toBe(usersOfB);
  });

  it('B registering in its own service with its own credential works, and writes only B’s', async () => {
    const payload = payloadOf(
      await register(input('isolation-own', { serviceSid: B.service, credentialSid: B.credentials.fcm }), {}, t.scenario.b.authorization),
    );
    const row = await bindingRow(payload.binding.sid);
    expect([row.accountSid, row.serviceSid]).toEqual([B.sid, B.service]);
    const [audit] = await t.db.prisma.bindingRegistration.findMany({ where: { bindingSid: row.sid } });
    expect([audit!.accountSid, audit!.credentialSid, audit!.serviceSid]).toEqual([B.sid, B.sid, B.service]);
  });
});

describe('afterwards', () => {
  it('binding_counts still agrees with the rows of every service and type', async () => {
    expect(await maintainedMatchesRows()).toBe(true);
  });

  it('every binding has exactly one created: true registration among the ones registered here', async () => {
    const audit = await t.db.prisma.bindingRegistration.findMany();
    const created = new Map<string, number>();
    for (const a of audit) created.set(a.bindingSid, (created.get(a.bindingSid) ?? 0) + (a.created ? 1 : 0));
    expect([...created.values()].every((n) => n === 1)).toBe(true);
    expect(await t.db.prisma.binding.count({ where: { sid: { in: [...created.keys()] } } })).toBe(created.size);
  });
});
