/**
 * Object identification: node/nodes round trips for every type (the global ID
 * is the Twilio SID), field values against the database, Query.account,
 * Query.service and Service.user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Binding } from '../../src/domain/bindings.js';
import { graphql } from '../gql/index.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';
import { bindingFieldsJson } from './fragments.js';

const NodeById = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) { ...NodeFields }
  }
`);

const NodesByIds = graphql(`
  query NodesByIds($ids: [ID!]!) {
    nodes(ids: $ids) { ...NodeFields }
  }
`);

graphql(`
  fragment NodeFields on Node {
    __typename
    id
    ... on Account { sid friendlyName dateCreated dateUpdated }
    ... on Service { sid accountSid friendlyName dateCreated dateUpdated }
    ... on User { sid serviceSid identity optionalFriendlyName: friendlyName dateCreated dateUpdated service { sid } }
    ... on Credential { sid accountSid optionalFriendlyName: friendlyName type sandbox dateCreated dateUpdated }
    ... on Binding { ...BindingFields }
  }
`);

const Account = graphql(`
  query NodesAccount { account { __typename id sid friendlyName dateCreated dateUpdated } }
`);

const ServiceBySid = graphql(`
  query NodesService($sid: String!) {
    service(sid: $sid) { __typename id sid accountSid friendlyName dateCreated dateUpdated }
  }
`);

const ServiceUser = graphql(`
  query NodesServiceUser($service: String!, $identity: String, $sid: String) {
    service(sid: $service) {
      user(identity: $identity, sid: $sid) { __typename id sid serviceSid identity friendlyName }
    }
  }
`);

let t: TestApp;
let ids: { account: string; service: string; user: string; credential: string; binding: string; bindingWithoutCredential: string };
/** What each node must look like, built from the database rows. */
let expected: Map<string, Record<string, unknown>>;

const iso = (d: Date) => d.toISOString();
const hex32 = (c: string) => c.repeat(32);

beforeAll(async () => {
  t = await startTestApp({ seed: 'nodes' });
  const p = t.db.prisma;
  const a = t.scenario.a;
  const account = await p.account.findUniqueOrThrow({ where: { sid: a.sid } });
  const service = await p.service.findUniqueOrThrow({ where: { sid: a.services[0]!.sid } });
  const user = await p.user.findFirstOrThrow({ where: { serviceSid: service.sid }, orderBy: { sid: 'desc' } });
  const credential = await p.credential.findFirstOrThrow({ where: { accountSid: a.sid, type: 'apn' } });
  const binding = await p.binding.findFirstOrThrow({
    where: { serviceSid: service.sid, credentialSid: { not: null }, NOT: { messageTypes: { isEmpty: true } } },
    orderBy: { sid: 'asc' },
  });
  const bare = await p.binding.findFirstOrThrow({ where: { serviceSid: service.sid, credentialSid: null }, orderBy: { sid: 'asc' } });
  ids = { account: account.sid, service: service.sid, user: user.sid, credential: credential.sid, binding: binding.sid, bindingWithoutCredential: bare.sid };

  const bindingUser = async (b: Binding) => p.user.findUniqueOrThrow({ where: { sid: b.userSid }, select: { sid: true, identity: true } });
  const bindingCredential = await p.credential.findUniqueOrThrow({ where: { sid: binding.credentialSid! }, select: { sid: true, type: true } });
  expected = new Map<string, Record<string, unknown>>([
    [
      account.sid,
      {
        __typename: 'Account',
        id: account.sid,
        sid: account.sid,
        friendlyName: account.friendlyName,
        dateCreated: iso(account.dateCreated),
        dateUpdated: iso(account.dateUpdated),
      },
    ],
    [
      service.sid,
      {
        __typename: 'Service',
        id: service.sid,
        sid: service.sid,
        accountSid: a.sid,
        friendlyName: service.friendlyName,
        dateCreated: iso(service.dateCreated),
        dateUpdated: iso(service.dateUpdated),
      },
    ],
    [
      user.sid,
      {
        __typename: 'User',
        id: user.sid,
        sid: user.sid,
        serviceSid: service.sid,
        identity: user.identity,
        optionalFriendlyName: user.friendlyName,
        dateCreated: iso(user.dateCreated),
        dateUpdated: iso(user.dateUpdated),
        service: { sid: service.sid },
      },
    ],
    [
      credential.sid,
      {
        __typename: 'Credential',
        id: credential.sid,
        sid: credential.sid,
        accountSid: a.sid,
        optionalFriendlyName: credential.friendlyName,
        type: 'APN',
        sandbox: true,
        dateCreated: iso(credential.dateCreated),
        dateUpdated: iso(credential.dateUpdated),
      },
    ],
    [binding.sid, bindingFieldsJson(binding, await bindingUser(binding), bindingCredential)],
    [bare.sid, bindingFieldsJson(bare, await bindingUser(bare), null)],
  ]);
});

afterAll(async () => {
  await t?.close();
});

describe('node(id)', () => {
  it.each(['account', 'service', 'user', 'credential', 'binding', 'bindingWithoutCredential'] as const)(
    'returns the %s with its __typename, id and every field as stored',
    async (kind) => {
      const id = ids[kind];
      const { node } = await t.data(NodeById, { id });
      expect(node).toEqual(expected.get(id));
      expect(node!.id).toBe(id);
    },
  );

  it('gives the binding its messageTypes and a non-trivial value for every field', () => {
    const b = expected.get(ids.binding)!;
    expect((b.messageTypes as string[]).length).toBeGreaterThan(0);
    expect(b.credential).not.toBeNull();
    expect(expected.get(ids.bindingWithoutCredential)!.credentialSid).toBeNull();
  });

  it.each(['AC', 'IS', 'US', 'CR', 'BS'])('is null for a well-formed %s… sid that does not exist', async (prefix) => {
    const result = await t.run(NodeById, { id: `${prefix}${hex32('0')}` });
    expect(result.body).toEqual({ data: { node: null } });
  });

  it.each([
    ['garbage', 'garbage'],
    ['an empty string', ''],
    ['a sid that is too short', 'BS0123'],
    ['a sid with upper-case hex', `BS${hex32('A')}`],
    ['a lower-case prefix', `bs${hex32('0')}`],
    ['an unknown prefix', `XX${hex32('0')}`],
    ['a sid with trailing space', `BS${hex32('0')} `],
  ])('is BAD_USER_INPUT for %s', async (_label, id) => {
    const result = await t.run(NodeById, { id });
    expect(result.status).toBe(200);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.errors![0]!.path).toEqual(['node']);
    expect(result.body.data?.node ?? null).toBeNull();
  });
});

describe('nodes(ids)', () => {
  it('returns mixed types in the order asked, with null for unknown sids and repeats kept', async () => {
    const unknownBinding = `BS${hex32('f')}`;
    const unknownUser = `US${hex32('e')}`;
    const order = [ids.binding, ids.account, unknownBinding, ids.user, ids.credential, ids.service, ids.bindingWithoutCredential, unknownUser, ids.binding];
    const { nodes } = await t.data(NodesByIds, { ids: order });
    expect(nodes).toEqual(order.map((id) => expected.get(id) ?? null));
  });

  it('returns an empty list for no ids', async () => {
    expect(await t.data(NodesByIds, { ids: [] })).toEqual({ nodes: [] });
  });

  it('is BAD_USER_INPUT when any id is malformed', async () => {
    const result = await t.run(NodesByIds, { ids: [ids.binding, 'not-a-sid', ids.user] });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.errors![0]!.path).toEqual(['nodes']);
    expect(result.body.data ?? null).toBeNull();
  });
});

const SameIdTwice = graphql(`
  query NodesSameIdTwice($id: ID!) {
    a: node(id: $id) { __typename id }
    b: node(id: $id) { __typename id }
    list: nodes(ids: [$id]) { __typename id }
  }
`);

describe('one request that asks for the same id more than once', () => {
  // KNOWN BUG (reported): the second lookup of an id in a request is served
  // from Pothos' per-request node cache before the loaded object is branded
  // with its type, so Node.resolveType fails ("Abstract type "Node" must
  // resolve to an Object type at runtime"). Remove `.fails` once fixed.
  it.each(['binding', 'account', 'service'] as const)('resolves a %s every time', async (kind) => {
    const result = await t.run(SameIdTwice, { id: ids[kind] });
    const typename = expected.get(ids[kind])!.__typename;
    expect(result.body).toEqual({
      data: { a: { __typename: typename, id: ids[kind] }, b: { __typename: typename, id: ids[kind] }, list: [{ __typename: typename, id: ids[kind] }] },
    });
  });
});

describe('Query.account and Query.service', () => {
  it("returns the caller's account", async () => {
    expect((await t.data(Account)).account).toEqual(expected.get(ids.account));
  });

  it('returns a service by sid, as node() does', async () => {
    const { service } = await t.data(ServiceBySid, { sid: ids.service });
    expect(service).toEqual(expected.get(ids.service));
  });

  it.each([
    ['an unknown service sid', `IS${hex32('0')}`],
    ['a sid of another kind', `BS${hex32('0')}`],
    ['garbage', 'garbage'],
  ])('returns null for %s', async (_label, sid) => {
    expect((await t.run(ServiceBySid, { sid })).body).toEqual({ data: { service: null } });
  });
});

describe('Service.user', () => {
  it('finds a user by identity and by sid', async () => {
    const want = expected.get(ids.user)!;
    const byIdentity = await t.data(ServiceUser, { service: ids.service, identity: want.identity as string });
    const bySid = await t.data(ServiceUser, { service: ids.service, sid: ids.user });
    const shape = {
      __typename: 'User',
      id: ids.user,
      sid: ids.user,
      serviceSid: ids.service,
      identity: want.identity,
      friendlyName: want.optionalFriendlyName,
    };
    expect(shape.friendlyName).toEqual(expect.any(String));
    expect(byIdentity.service!.user).toEqual(shape);
    expect(bySid.service!.user).toEqual(shape);
  });

  it.each([
    ['both identity and sid', (u: { sid: string; identity: string }) => ({ identity: u.identity, sid: u.sid })],
    ['neither', () => ({})],
    ['both given as null', () => ({ identity: null, sid: null })],
  ])('is BAD_USER_INPUT with %s', async (_label, args) => {
    const user = { sid: ids.user, identity: expected.get(ids.user)!.identity as string };
    const result = await t.run(ServiceUser, { service: ids.service, ...args(user) });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.errors![0]!.path).toEqual(['service', 'user']);
    expect(result.body.data).toEqual({ service: { user: null } });
  });

  it('takes the one that is given when the other is null', async () => {
    const bySid = await t.data(ServiceUser, { service: ids.service, identity: null, sid: ids.user });
    expect(bySid.service!.user!.sid).toBe(ids.user);
    const byIdentity = await t.data(ServiceUser, { service: ids.service, identity: expected.get(ids.user)!.identity as string, sid: null });
    expect(byIdentity.service!.user!.sid).toBe(ids.user);
  });

  it('returns null for an unknown identity or sid, and for a user of another service', async () => {
    const otherService = t.scenario.a.services[1]!.sid;
    const otherUser = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: otherService } });
    for (const by of [
      { identity: 'nobody@alpha.example' },
      { sid: `US${hex32('0')}` },
      { sid: 'garbage' },
      { sid: otherUser.sid },
      { identity: otherUser.identity.replace('@', '+x@') },
    ]) {
      const result = await t.run(ServiceUser, { service: ids.service, ...by });
      expect(result.body, JSON.stringify(by)).toEqual({ data: { service: { user: null } } });
    }
    // The same identity exists in both services: each service finds its own user.
    const same = await t.data(ServiceUser, { service: otherService, identity: otherUser.identity });
    expect(same.service!.user!.sid).toBe(otherUser.sid);
    const inBig = await t.data(ServiceUser, { service: ids.service, identity: otherUser.identity });
    expect(inBig.service!.user!.sid).not.toBe(otherUser.sid);
    expect(inBig.service!.user!.serviceSid).toBe(ids.service);
  });
});
