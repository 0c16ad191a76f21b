/**
 * Relay paging over every connection of the schema: whole-list walks in both
 * directions for several page sizes, with exact pageInfo at every step, and
 * the argument rules (default and maximum page size, first/last together).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { errorCodes, type GraphQLResult, startTestApp, type TestApp } from '../helpers/app.js';
import { expectBackwardWalk, expectForwardWalk, type FetchPage, type PageArgs, sidsOf } from '../helpers/connections.js';

const BIG = 120;

const ServiceBindingsPage = graphql(`
  query PagingServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {
    service(sid: $sid) {
      bindings(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { sid } }
        pageInfo { ...PageInfoFields }
      }
    }
  }
`);

const UserBindingsPage = graphql(`
  query PagingUserBindings($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) {
      __typename
      ... on User {
        bindings(first: $first, after: $after, last: $last, before: $before) {
          edges { cursor node { sid } }
          pageInfo { ...PageInfoFields }
        }
      }
    }
  }
`);

const ServicesPage = graphql(`
  query PagingServices($first: Int, $after: String, $last: Int, $before: String) {
    services(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { sid } }
      pageInfo { ...PageInfoFields }
    }
  }
`);

const ServiceUsersPage = graphql(`
  query PagingServiceUsers($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {
    service(sid: $sid) {
      users(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { sid } }
        pageInfo { ...PageInfoFields }
      }
    }
  }
`);

let t: TestApp;
let bigService: string;
/** The big service's bindings, in sid order (the scenario's list). */
let bindings: string[];
/** Account A's services, its big service's users, and the bindings of one of them, from the database. */
let services: string[];
let users: string[];
let user: string;
let userBindings: string[];

beforeAll(async () => {
  t = await startTestApp({ seed: 'paging', bigServiceBindings: BIG, extraServices: 5 });
  bigService = t.scenario.a.services[0]!.sid;
  bindings = t.scenario.a.services[0]!.bindings;
  const p = t.db.prisma;
  services = (await p.service.findMany({ where: { accountSid: t.scenario.a.sid }, orderBy: { sid: 'asc' } })).map((s) => s.sid);
  users = (await p.user.findMany({ where: { serviceSid: bigService }, orderBy: { sid: 'asc' } })).map((u) => u.sid);
  user = users[4]!;
  userBindings = (await p.binding.findMany({ where: { userSid: user }, orderBy: { sid: 'asc' } })).map((b) => b.sid);
});

afterAll(async () => {
  await t?.close();
});

const serviceBindings: FetchPage = async (args) => (await t.data(ServiceBindingsPage, { sid: bigService, ...args })).service!.bindings;
const userBindingsOf: FetchPage = async (args) => {
  const { node } = await t.data(UserBindingsPage, { id: user, ...args });
  if (node?.__typename !== 'User') throw new Error(`expected a User, got ${JSON.stringify(node)}`);
  return node.bindings;
};
const accountServices: FetchPage = async (args) => (await t.data(ServicesPage, args)).services;
const serviceUsers: FetchPage = async (args) => (await t.data(ServiceUsersPage, { sid: bigService, ...args })).service!.users;

it('has the data the walks below need', () => {
  expect(bindings).toHaveLength(BIG);
  expect(services).toHaveLength(7);
  expect(services).toContain(bigService);
  expect(users).toHaveLength(12);
  expect(userBindings).toHaveLength(BIG / 12);
});

describe('Service.bindings', () => {
  const sizes = [1, 7, 50, 1000, BIG];

  it.each(sizes)('walks forward with first: %i over the whole list, exact pageInfo at every step', async (size) => {
    const pages = await expectForwardWalk(serviceBindings, bindings, size);
    expect(pages).toHaveLength(Math.ceil(BIG / size));
  });

  it.each(sizes)('walks backward with last: %i over the whole list, exact pageInfo at every step', async (size) => {
    const pages = await expectBackwardWalk(serviceBindings, bindings, size);
    expect(pages).toHaveLength(Math.ceil(BIG / size));
  });

  it('resumes after / before any edge cursor, not only the page ends', async () => {
    const page = await serviceBindings({ first: 30 });
    const cursor = page.edges[17]!.cursor;
    const after = await serviceBindings({ first: 5, after: cursor });
    expect(sidsOf(after)).toEqual(bindings.slice(18, 23));
    expect(after.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const before = await serviceBindings({ last: 5, before: cursor });
    expect(sidsOf(before)).toEqual(bindings.slice(12, 17));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // Near the start: fewer rows than asked for, and nothing before them.
    const head = await serviceBindings({ last: 5, before: page.edges[2]!.cursor });
    expect(sidsOf(head)).toEqual(bindings.slice(0, 2));
    expect(head.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('pages within a window bounded by both after and before', async () => {
    const page = await serviceBindings({ first: 30 });
    const window = { after: page.edges[9]!.cursor, before: page.edges[20]!.cursor };
    const forward = await serviceBindings({ first: 100, ...window });
    expect(sidsOf(forward)).toEqual(bindings.slice(10, 20));
    expect(forward.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const firstThree = await serviceBindings({ first: 3, ...window });
    expect(sidsOf(firstThree)).toEqual(bindings.slice(10, 13));
    expect(firstThree.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const lastThree = await serviceBindings({ last: 3, ...window });
    expect(sidsOf(lastThree)).toEqual(bindings.slice(17, 20));
    expect(lastThree.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('returns 50 rows when neither first nor last is given', async () => {
    const page = await serviceBindings({});
    expect(sidsOf(page)).toEqual(bindings.slice(0, 50));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await serviceBindings({ after: page.pageInfo.endCursor });
    expect(sidsOf(next)).toEqual(bindings.slice(50, 100));
    expect(next.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('returns no edges for first: 0 / last: 0, yet says whether rows exist on each side', async () => {
    const none = { startCursor: null, endCursor: null };
    const first0 = await serviceBindings({ first: 0 });
    expect(first0.edges).toEqual([]);
    expect(first0.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, ...none });

    const mid = (await serviceBindings({ first: 10 })).pageInfo.endCursor;
    const first0After = await serviceBindings({ first: 0, after: mid });
    expect(first0After.edges).toEqual([]);
    expect(first0After.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true, ...none });

    const last0 = await serviceBindings({ last: 0 });
    expect(last0.edges).toEqual([]);
    expect(last0.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, ...none });
  });

  it('accepts first: 1000 and last: 1000 (the maximum)', async () => {
    expect(sidsOf(await serviceBindings({ first: 1000 }))).toEqual(bindings);
    expect(sidsOf(await serviceBindings({ last: 1000 }))).toEqual(bindings);
  });
});

describe('User.bindings', () => {
  it.each([1, 3, 10, 1000])('walks forward and backward with page size %i', async (size) => {
    await expectForwardWalk(userBindingsOf, userBindings, size);
    await expectBackwardWalk(userBindingsOf, userBindings, size);
  });

  it('only holds the bindings of that user', async () => {
    const all = await t.db.prisma.binding.findMany({ where: { serviceSid: bigService } });
    expect(userBindings).toEqual(
      all
        .filter((b) => b.userSid === user)
        .map((b) => b.sid)
        .sort(),
    );
    expect(userBindings.length).toBeLessThan(all.length);
  });
});

describe('Query.services', () => {
  it.each([1, 2, 3, 7, 1000])('walks forward and backward with page size %i', async (size) => {
    await expectForwardWalk(accountServices, services, size);
    await expectBackwardWalk(accountServices, services, size);
  });
});

describe('Service.users', () => {
  it.each([1, 5, 12, 1000])('walks forward and backward with page size %i', async (size) => {
    await expectForwardWalk(serviceUsers, users, size);
    await expectBackwardWalk(serviceUsers, users, size);
  });
});

describe('page arguments out of range', () => {
  // Each connection, the path its error must have, and how to fetch it (keeping the part of data the error nulls out).
  const connections: Array<[string, string[], (args: PageArgs) => Promise<Outcome>]> = [
    ['Service.bindings', ['service', 'bindings'], async (args) => shape(await t.run(ServiceBindingsPage, { sid: bigService, ...args }), (d) => d?.service)],
    ['User.bindings', ['node', 'bindings'], async (args) => shape(await t.run(UserBindingsPage, { id: user, ...args }), (d) => d?.node)],
    ['Query.services', ['services'], async (args) => shape(await t.run(ServicesPage, args), (d) => d)],
    ['Service.users', ['service', 'users'], async (args) => shape(await t.run(ServiceUsersPage, { sid: bigService, ...args }), (d) => d?.service)],
  ];
  const cases: Array<[string, PageArgs, string]> = [
    ['first > 1000', { first: 1001 }, 'first'],
    ['last > 1000', { last: 1001 }, 'last'],
    ['negative first', { first: -1 }, 'first'],
    ['negative last', { last: -5 }, 'last'],
    ['first and last together', { first: 2, last: 2 }, 'first'],
  ];

  describe.each(connections)('on %s', (_name, path, fetch) => {
    it.each(cases)('%s is BAD_USER_INPUT, with no rows', async (_label, args, argument) => {
      const result = await fetch(args);
      expect(result.errors).toEqual(['BAD_USER_INPUT']);
      expect(result.message).toContain(argument);
      expect(result.path).toEqual(path);
      expect(result.data ?? null).toBeNull();
    });
  });

  interface Outcome {
    errors: unknown[];
    message: string | undefined;
    path: unknown;
    data: unknown;
  }

  /** The error codes, the first error's message and path, and the part of data the error nulled out. */
  function shape<T>(result: GraphQLResult<T>, part: (data: T | null | undefined) => unknown): Outcome {
    expect(result.status).toBe(200);
    const first = result.body.errors?.[0];
    return { errors: errorCodes(result), message: first?.message, path: first?.path, data: part(result.body.data) };
  }
});
