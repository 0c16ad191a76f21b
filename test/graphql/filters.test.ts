/**
 * Service.bindings filters (bindingType, identity: each keeps rows matching any
 * of its values; both together are ANDed) and totalCount, checked against the
 * same subset computed from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BindingType as DbBindingType } from '../../src/domain/bindings.js';
import type { BindingType } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { startTestApp, type TestApp, WITHOUT_COST_LIMIT } from '../helpers/app.js';
import { expectBackwardWalk, expectForwardWalk, type FetchPage } from '../helpers/connections.js';

const FilteredBindings = graphql(`
  query FilteredBindings(
    $sid: String!
    $bindingType: [BindingType!]
    $identity: [String!]
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    service(sid: $sid) {
      bindings(bindingType: $bindingType, identity: $identity, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { sid bindingType identity } }
        nodes { sid }
        pageInfo { ...PageInfoFields }
      }
    }
  }
`);

const UsersWithBindings = graphql(`
  query FilteredUserBindings($sid: String!, $bindingType: [BindingType!], $first: Int) {
    service(sid: $sid) {
      users(first: 100) {
        totalCount
        edges {
          node {
            sid
            identity
            bindings(bindingType: $bindingType, first: $first) {
              totalCount
              edges { node { sid bindingType userSid identity } }
            }
          }
        }
      }
    }
  }
`);

const UserBindingsCount = graphql(`
  query FilteredUserBindingsCount($id: ID!, $bindingType: [BindingType!], $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) {
      ... on User {
        bindings(bindingType: $bindingType, first: $first, after: $after, last: $last, before: $before) {
          totalCount
          edges { cursor node { sid } }
          pageInfo { ...PageInfoFields }
        }
      }
    }
  }
`);

let t: TestApp;
let service: string;
/** In the scenario, user n's bindings are all of one type: APN, GCM, FCM for n mod 3 = 0, 1, 2. */
const identity = (n: number) => `user-${n}@alpha.example`;
const toDb = (types: BindingType[]) => types.map((x) => x.toLowerCase() as DbBindingType);

beforeAll(async () => {
  t = await startTestApp({ seed: 'filters', app: WITHOUT_COST_LIMIT });
  service = t.scenario.a.services[0]!.sid;
});

afterAll(async () => {
  await t?.close();
});

/** The sids the filter should keep, in order, straight from the database. */
async function expected(filter: { bindingType?: BindingType[]; identity?: string[] }, serviceSid = service): Promise<string[]> {
  const rows = await t.db.prisma.binding.findMany({
    where: {
      serviceSid,
      ...(filter.bindingType?.length ? { bindingType: { in: toDb(filter.bindingType) } } : {}),
      ...(filter.identity?.length ? { identity: { in: filter.identity } } : {}),
    },
    orderBy: { sid: 'asc' },
    select: { sid: true },
  });
  return rows.map((r) => r.sid);
}

const cases: Array<[string, { bindingType?: BindingType[]; identity?: string[] }]> = [
  ['bindingType APN', { bindingType: ['APN'] }],
  ['bindingType GCM', { bindingType: ['GCM'] }],
  ['bindingType FCM', { bindingType: ['FCM'] }],
  ['bindingType APN or FCM', { bindingType: ['APN', 'FCM'] }],
  ['every bindingType', { bindingType: ['APN', 'GCM', 'FCM'] }],
  ['one identity', { identity: [identity(3)] }],
  ['three identities', { identity: [identity(0), identity(5), identity(11)] }],
  ['bindingType GCM and two identities', { bindingType: ['GCM'], identity: [identity(1), identity(3)] }],
  ['bindingType APN or GCM and two identities', { bindingType: ['APN', 'GCM'], identity: [identity(2), identity(6)] }],
];

describe('Service.bindings', () => {
  it.each(cases)('with %s: the matching bindings in order, and their totalCount', async (_label, filter) => {
    const want = await expected(filter);
    const all = await expected({});
    // A filter that keeps everything or nothing would prove little.
    expect(want.length).toBeGreaterThan(0);
    if (filter.identity) expect(want.length).toBeLessThan(all.length);

    const { bindings } = (await t.data(FilteredBindings, { sid: service, ...filter, first: 1000 })).service!;
    expect(bindings.edges.map((e) => e.node.sid)).toEqual(want);
    expect(bindings.nodes.map((n) => n.sid)).toEqual(want);
    expect(bindings.totalCount).toBe(want.length);
    expect(bindings.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    for (const { node } of bindings.edges) {
      if (filter.bindingType) expect(filter.bindingType).toContain(node.bindingType);
      if (filter.identity) expect(filter.identity).toContain(node.identity);
    }
  });

  it('combines the filters with AND: the combined result is the intersection', async () => {
    const types: BindingType[] = ['FCM'];
    const identities = [identity(2), identity(3), identity(7)];
    const byType = new Set(await expected({ bindingType: types }));
    const byIdentity = await expected({ identity: identities });
    const both = await t.data(FilteredBindings, { sid: service, bindingType: types, identity: identities, first: 1000 });
    const intersection = byIdentity.filter((sid) => byType.has(sid));
    expect(intersection.length).toBeGreaterThan(0);
    expect(intersection.length).toBeLessThan(byIdentity.length);
    expect(both.service!.bindings.edges.map((e) => e.node.sid)).toEqual(intersection);
  });

  it('counts all matching bindings whatever the page size, on every page', async () => {
    const filter = { bindingType: ['APN', 'FCM'] as BindingType[] };
    const want = await expected(filter);
    for (const first of [0, 1, 5]) {
      const page = await t.data(FilteredBindings, { sid: service, ...filter, first });
      expect(page.service!.bindings.totalCount).toBe(want.length);
      expect(page.service!.bindings.edges).toHaveLength(first);
    }
    const lastPage = await t.data(FilteredBindings, { sid: service, ...filter, last: 2 });
    expect(lastPage.service!.bindings.totalCount).toBe(want.length);
  });

  it('counts every binding of the service without filters (and empty filter lists are no filter)', async () => {
    const total = await t.db.prisma.binding.count({ where: { serviceSid: service } });
    expect(total).toBe(t.scenario.a.services[0]!.bindings.length);
    for (const filter of [{}, { bindingType: [] }, { identity: [] }, { bindingType: [], identity: [] }]) {
      const page = await t.data(FilteredBindings, { sid: service, ...filter, first: 3 });
      expect(page.service!.bindings.totalCount).toBe(total);
      expect(page.service!.bindings.edges.map((e) => e.node.sid)).toEqual(t.scenario.a.services[0]!.bindings.slice(0, 3));
    }
  });

  it('keeps only its own service: the other service and the other account count nothing here', async () => {
    const other = await t.data(FilteredBindings, { sid: t.scenario.a.services[1]!.sid, bindingType: ['APN'], first: 1000 });
    expect(other.service!.bindings.edges.map((e) => e.node.sid)).toEqual(await expected({ bindingType: ['APN'] }, t.scenario.a.services[1]!.sid));
    // Identities that exist elsewhere, or nowhere.
    for (const ids of [['user-0@beta.example'], ['nobody@alpha.example'], ['']]) {
      const page = await t.data(FilteredBindings, { sid: service, identity: ids, first: 10 });
      expect(page.service!.bindings).toMatchObject({
        totalCount: 0,
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      });
    }
  });

  it('pages through a filtered list forward and backward, with exact pageInfo', async () => {
    const filter = { bindingType: ['GCM', 'FCM'] as BindingType[], identity: [identity(0), identity(1), identity(2), identity(4)] };
    const want = await expected(filter);
    expect(want.length).toBeGreaterThan(6);
    const fetch: FetchPage = async (args) => (await t.data(FilteredBindings, { sid: service, ...filter, ...args })).service!.bindings;
    for (const size of [1, 3, want.length]) {
      await expectForwardWalk(fetch, want, size);
      await expectBackwardWalk(fetch, want, size);
    }
  });
});

describe('User.bindings', () => {
  it("lists and counts each user's bindings, in one query for all the service's users", async () => {
    const rows = await t.db.prisma.binding.findMany({ where: { serviceSid: service }, orderBy: { sid: 'asc' } });
    const { users } = (await t.data(UsersWithBindings, { sid: service, first: 1000 })).service!;
    expect(users.totalCount).toBe(12);
    expect(users.edges).toHaveLength(12);
    for (const { node: user } of users.edges) {
      const want = rows.filter((r) => r.userSid === user.sid).map((r) => r.sid);
      expect(want.length).toBeGreaterThan(0);
      expect(user.bindings.edges.map((e) => e.node.sid)).toEqual(want);
      expect(user.bindings.totalCount).toBe(want.length);
      for (const { node } of user.bindings.edges) expect(node).toMatchObject({ userSid: user.sid, identity: user.identity });
    }
    expect(users.edges.reduce((n, e) => n + e.node.bindings.totalCount, 0)).toBe(rows.length);
  });

  it.each([[['GCM']], [['APN', 'FCM']]] as BindingType[][][])('filters by bindingType %j, and totalCount follows', async (types) => {
    const rows = await t.db.prisma.binding.findMany({ where: { serviceSid: service, bindingType: { in: toDb(types) } }, orderBy: { sid: 'asc' } });
    const { users } = (await t.data(UsersWithBindings, { sid: service, bindingType: types, first: 1 })).service!;
    for (const { node: user } of users.edges) {
      const want = rows.filter((r) => r.userSid === user.sid).map((r) => r.sid);
      // first: 1 pages, but totalCount counts every match.
      expect(user.bindings.totalCount).toBe(want.length);
      expect(user.bindings.edges.map((e) => e.node.sid)).toEqual(want.slice(0, 1));
      for (const { node } of user.bindings.edges) expect(types).toContain(node.bindingType);
    }
    expect(users.edges.reduce((n, e) => n + e.node.bindings.totalCount, 0)).toBe(rows.length);
  });

  it('counts a single user through node(), and pages its filtered list', async () => {
    const apn = await t.data(UserBindingsCount, {
      id: (await t.db.prisma.user.findFirstOrThrow({ where: { identity: identity(7) } })).sid,
      bindingType: ['APN'],
    });
    expect(apn.node).toMatchObject({ bindings: { totalCount: 0, edges: [] } });
    const user = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: service, identity: identity(7) } });
    const want = (await t.db.prisma.binding.findMany({ where: { userSid: user.sid, bindingType: 'gcm' }, orderBy: { sid: 'asc' } })).map((b) => b.sid);
    expect(want.length).toBeGreaterThan(0);
    const fetch: FetchPage = async (args) => {
      const { node } = await t.data(UserBindingsCount, { id: user.sid, bindingType: ['GCM'], ...args });
      if (!node || !('bindings' in node)) throw new Error('expected a User');
      expect(node.bindings.totalCount).toBe(want.length);
      return node.bindings;
    };
    await expectForwardWalk(fetch, want, 1);
    await expectBackwardWalk(fetch, want, 1);
  });
});
