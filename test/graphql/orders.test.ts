/**
 * Orders and filters of the bindings connections: every order pages forward
 * and backward over a whole service (and a user) exactly as SQL's
 * `ORDER BY key, sid` lists it, ties on the key included; cursors carry their
 * order and survive the deletion of their row; every filter (and totalCount)
 * keeps exactly the rows SQL keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';
import { expectBackwardWalk, expectForwardWalk, type FetchPage, sidsOf } from '../helpers/connections.js';

const BIG = 90;
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

const ORDERS = {
  SID_ASC: 'sid ASC',
  SID_DESC: 'sid DESC',
  DATE_CREATED_ASC: 'date_created ASC, sid ASC',
  DATE_CREATED_DESC: 'date_created DESC, sid DESC',
  DATE_UPDATED_ASC: 'date_updated ASC, sid ASC',
  DATE_UPDATED_DESC: 'date_updated DESC, sid DESC',
} as const;
type Order = keyof typeof ORDERS;

const SERVICE_PAGE = `
  query ($sid: String!, $first: Int, $after: String, $last: Int, $before: String, $orderBy: BindingOrder,
         $bindingType: [BindingType!], $identity: [String!], $identityPrefix: String, $credentialSid: [String!],
         $createdAfter: DateTime, $createdBefore: DateTime, $updatedAfter: DateTime, $updatedBefore: DateTime) {
    service(sid: $sid) {
      bindings(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy,
               bindingType: $bindingType, identity: $identity, identityPrefix: $identityPrefix, credentialSid: $credentialSid,
               createdAfter: $createdAfter, createdBefore: $createdBefore, updatedAfter: $updatedAfter, updatedBefore: $updatedBefore) {
        totalCount
        edges { cursor node { sid } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;

const USER_PAGE = `
  query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $orderBy: BindingOrder, $createdAfter: DateTime) {
    node(id: $id) {
      ... on User {
        bindings(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, createdAfter: $createdAfter) {
          totalCount
          edges { cursor node { sid } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }
  }`;

let t: TestApp;
let prisma: PrismaClient;
let service: string;
let user: string;

beforeAll(async () => {
  t = await startTestApp({ seed: 'orders', bigServiceBindings: BIG });
  prisma = t.db.prisma;
  service = t.scenario.a.services[0]!.sid;
  // Dates with many ties (13 distinct creation days, 10 update instants a millisecond or days apart), so
  // that the sid decides within a key, in both directions.
  await prisma.$executeRaw`
    UPDATE bindings b SET
      date_created = ${new Date(BASE).toISOString()}::timestamp(3) + make_interval(days => ((x.n * 7) % 13)::int),
      date_updated = ${new Date(BASE).toISOString()}::timestamp(3) + make_interval(days => (30 + (x.n * 3) % 5)::int, secs => (0.001 * (x.n % 2))::float8)
    FROM (SELECT sid, row_number() OVER (ORDER BY sid) AS n FROM bindings WHERE service_sid = ${service}) x
    WHERE b.sid = x.sid`;
  const [first] = await prisma.$queryRaw<Array<{ user_sid: string }>>`
    SELECT user_sid FROM bindings WHERE service_sid = ${service} GROUP BY user_sid ORDER BY count(*) DESC, user_sid LIMIT 1`;
  user = first!.user_sid;
});

afterAll(async () => {
  await t?.close();
});

/** The sids SQL lists for a parent in an order, under extra conditions. */
async function expected(column: 'service_sid' | 'user_sid', parent: string, order: Order, where = 'true', params: unknown[] = []): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<Array<{ sid: string }>>(
    `SELECT sid FROM bindings WHERE ${column} = $1 AND (${where}) ORDER BY ${ORDERS[order]}`,
    parent,
    ...params,
  );
  return rows.map((r) => r.sid);
}

async function servicePage(variables: Record<string, unknown>) {
  const result = await t.graphql(SERVICE_PAGE, { sid: service, ...variables });
  if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
  return result.body.data.service.bindings;
}

const serviceIn =
  (orderBy: Order, filter: Record<string, unknown> = {}): FetchPage =>
  (args) =>
    servicePage({ ...args, ...filter, orderBy });

const userIn =
  (orderBy: Order): FetchPage =>
  async (args) => {
    const result = await t.graphql(USER_PAGE, { id: user, ...args, orderBy });
    if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
    return result.body.data.node.bindings;
  };

const orders = Object.keys(ORDERS) as Order[];

describe('orderBy', () => {
  it('has ties on the keys, so that the sid has to decide', async () => {
    const [row] = await prisma.$queryRaw<Array<{ created: number; updated: number }>>`
      SELECT count(DISTINCT date_created)::int AS created, count(DISTINCT date_updated)::int AS updated FROM bindings WHERE service_sid = ${service}`;
    expect(row).toEqual({ created: 13, updated: 10 });
  });

  it.each(orders)('%s pages a whole service forward and backward as ORDER BY key, sid does', async (order) => {
    const all = await expected('service_sid', service, order);
    expect(all).toHaveLength(BIG);
    await expectForwardWalk(serviceIn(order), all, 7);
    await expectBackwardWalk(serviceIn(order), all, 7);
    await expectForwardWalk(serviceIn(order), all, 1000);
  });

  it.each(orders)("%s pages a user's bindings forward and backward as SQL does", async (order) => {
    const all = await expected('user_sid', user, order);
    expect(all.length).toBeGreaterThan(3);
    await expectForwardWalk(userIn(order), all, 2);
    await expectBackwardWalk(userIn(order), all, 3);
  });

  it('defaults to SID_ASC, whose cursors are the ones issued before orders existed', async () => {
    const implicit = await servicePage({ first: 5 });
    const explicit = await servicePage({ first: 5, orderBy: 'SID_ASC' });
    expect(implicit).toEqual(explicit);
    expect(sidsOf(implicit)).toEqual((await expected('service_sid', service, 'SID_ASC')).slice(0, 5));
  });

  it('refuses a cursor made for another order with BAD_USER_INPUT, in every pairing', async () => {
    const cursors = new Map<Order, string>();
    for (const order of orders) cursors.set(order, (await servicePage({ first: 3, orderBy: order })).pageInfo.endCursor);
    for (const made of orders) {
      for (const used of orders) {
        if (made === used) continue;
        for (const args of [
          { first: 3, after: cursors.get(made) },
          { last: 3, before: cursors.get(made) },
        ]) {
          const result = await t.graphql(SERVICE_PAGE, { sid: service, orderBy: used, ...args });
          expect(errorCodes(result), `${made} cursor used in ${used}`).toEqual(['BAD_USER_INPUT']);
          expect(result.body.errors![0]!.extensions?.argument).toBe('first' in args ? 'after' : 'before');
        }
      }
    }
  });

  it('continues after and before a cursor whose row was deleted, in every order', async () => {
    for (const order of orders) {
      const before = await expected('service_sid', service, order);
      const page = await servicePage({ first: 10, orderBy: order });
      const gone = page.edges[9].node.sid;
      // Delete the cursor's own row and one of the next page.
      for (const sid of [gone, before[12]]) {
        const deleted = await t.graphql('mutation ($id: ID!) { deleteBinding(input: { id: $id }) { deletedBindingId } }', { id: sid });
        expect(deleted.body.errors).toBeUndefined();
      }
      const next = await servicePage({ first: 10, after: page.pageInfo.endCursor, orderBy: order });
      const remaining = before.filter((sid) => sid !== gone && sid !== before[12]);
      expect(sidsOf(next), order).toEqual(remaining.slice(9, 19));
      expect(next.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const back = await servicePage({ last: 4, before: page.pageInfo.endCursor, orderBy: order });
      expect(sidsOf(back), order).toEqual(remaining.slice(5, 9));
      expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    }
  });
});

describe('filters', () => {
  const day = (n: number) => new Date(BASE + n * DAY).toISOString();
  let credential: string;

  beforeAll(async () => {
    const [row] = await prisma.$queryRaw<Array<{ credential_sid: string }>>`
      SELECT credential_sid FROM bindings WHERE service_sid = ${service} AND credential_sid IS NOT NULL LIMIT 1`;
    credential = row!.credential_sid;
  });

  const cases: Array<[string, () => Record<string, unknown>, string, () => unknown[]]> = [
    ['createdAfter', () => ({ createdAfter: day(6) }), 'date_created > $2::timestamp(3)', () => [day(6)]],
    ['createdBefore', () => ({ createdBefore: day(6) }), 'date_created < $2::timestamp(3)', () => [day(6)]],
    ['updatedAfter', () => ({ updatedAfter: day(32) }), 'date_updated > $2::timestamp(3)', () => [day(32)]],
    ['updatedBefore', () => ({ updatedBefore: day(32) }), 'date_updated < $2::timestamp(3)', () => [day(32)]],
    ['credentialSid', () => ({ credentialSid: [credential] }), 'credential_sid = $2', () => [credential]],
    ['identityPrefix', () => ({ identityPrefix: 'user-1' }), "identity LIKE 'user-1%'", () => []],
    [
      'all of them with a type, combined with AND',
      () => ({ createdAfter: day(2), createdBefore: day(11), updatedBefore: day(34), identityPrefix: 'user-', bindingType: ['APN', 'FCM'] }),
      "date_created > $2::timestamp(3) AND date_created < $3::timestamp(3) AND date_updated < $4::timestamp(3) AND identity LIKE 'user-%' AND binding_type IN ('apn', 'fcm')",
      () => [day(2), day(11), day(34)],
    ],
  ];

  it.each(cases)('%s keeps exactly the rows SQL keeps, in every order, with its totalCount', async (_name, filter, where, params) => {
    for (const order of ['SID_ASC', 'DATE_UPDATED_DESC'] as const) {
      const all = await expected('service_sid', service, order, where, params());
      expect(all.length, 'the filter keeps some rows but not all').toBeGreaterThan(0);
      expect(all.length).toBeLessThan(BIG);
      await expectForwardWalk(serviceIn(order, filter()), all, 4);
      await expectBackwardWalk(serviceIn(order, filter()), all, 5);
      expect((await servicePage({ first: 1, orderBy: order, ...filter() })).totalCount).toBe(all.length);
    }
  });

  it('takes the date bounds as strict, to the millisecond', async () => {
    const [row] = await prisma.$queryRaw<Array<{ sid: string; at: Date }>>`
      SELECT sid, date_updated AS at FROM bindings WHERE service_sid = ${service} AND date_updated > ${day(30)}::timestamp(3) LIMIT 1`;
    const at = row!.at.getTime();
    const sids = async (filter: Record<string, unknown>) => sidsOf(await servicePage({ first: 1000, ...filter }));
    expect(await sids({ updatedAfter: new Date(at).toISOString() })).not.toContain(row!.sid);
    expect(await sids({ updatedAfter: new Date(at - 1).toISOString() })).toContain(row!.sid);
    expect(await sids({ updatedBefore: new Date(at).toISOString() })).not.toContain(row!.sid);
    expect(await sids({ updatedBefore: new Date(at + 1).toISOString() })).toContain(row!.sid);
  });

  it('treats an identity prefix literally: LIKE wildcards match nothing, an empty prefix everything', async () => {
    for (const prefix of ['%', '_', 'user_', 'user-1%', '\\']) {
      expect((await servicePage({ first: 1, identityPrefix: prefix })).totalCount, prefix).toBe(0);
    }
    expect((await servicePage({ first: 1, identityPrefix: '' })).totalCount).toBe((await expected('service_sid', service, 'SID_ASC')).length);
    expect((await servicePage({ first: 1, identityPrefix: 'user-10@' })).totalCount).toBe(
      (await expected('service_sid', service, 'SID_ASC', "identity LIKE 'user-10@%'")).length,
    );
  });

  it("filters a user's bindings too", async () => {
    const all = await expected('user_sid', user, 'DATE_CREATED_ASC', 'date_created > $2::timestamp(3)', [day(4)]);
    expect(all.length).toBeGreaterThan(0);
    const result = await t.graphql(USER_PAGE, { id: user, first: 100, orderBy: 'DATE_CREATED_ASC', createdAfter: day(4) });
    expect(sidsOf(result.body.data.node.bindings)).toEqual(all);
    expect(result.body.data.node.bindings.totalCount).toBe(all.length);
  });

  it('refuses a malformed date with BAD_USER_INPUT and never matches another account', async () => {
    const bad = await t.graphql(SERVICE_PAGE, { sid: service, first: 1, createdAfter: 'yesterday' });
    // A variable that does not fit its type is a request error: 400 whatever the Accept.
    expect(bad.status).toBe(400);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.body.errors![0]!.message).toMatch(/createdAfter/);
    const other = await t.graphql(SERVICE_PAGE, { sid: service, first: 5, identityPrefix: 'user-' }, t.scenario.b.authorization);
    expect(other.body.data.service).toBeNull();
  });
});
