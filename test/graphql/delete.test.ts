/**
 * The deleteBinding mutation: its payload, the binding being gone everywhere
 * afterwards, its errors, and paging that carries on across a deleted cursor row.
 * Each test deletes bindings no other test relies on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Binding } from '../../src/domain/bindings.js';
import { graphql } from '../gql/index.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';
import { type FetchPage, sidsOf } from '../helpers/connections.js';
import { bindingFieldsJson } from './fragments.js';

const DeleteBinding = graphql(`
  mutation DeleteBinding($id: ID!, $clientMutationId: ID) {
    deleteBinding(input: { id: $id, clientMutationId: $clientMutationId }) {
      deletedBindingId
      clientMutationId
      binding { ...BindingFields }
      service { __typename id sid friendlyName }
    }
  }
`);

const DeleteTwo = graphql(`
  mutation DeleteTwoBindings($first: ID!, $second: ID!) {
    one: deleteBinding(input: { id: $first }) {
      deletedBindingId
      service { bindings(first: 1000) { totalCount nodes { sid } } }
    }
    two: deleteBinding(input: { id: $second }) {
      deletedBindingId
      service { bindings(first: 1000) { totalCount nodes { sid } } }
    }
  }
`);

const AfterDelete = graphql(`
  query DeleteAfterwards($id: ID!, $service: String!, $user: String!) {
    node(id: $id) { id }
    service(sid: $service) {
      bindings(first: 1000) { totalCount nodes { sid } }
      user(sid: $user) { bindings(first: 1000) { totalCount nodes { sid } } }
    }
  }
`);

const Page = graphql(`
  query DeletePage($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {
    service(sid: $sid) {
      bindings(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { sid } }
        pageInfo { ...PageInfoFields }
      }
    }
  }
`);

let t: TestApp;
let big: { sid: string; bindings: string[] };
let small: { sid: string; bindings: string[] };

beforeAll(async () => {
  t = await startTestApp({ seed: 'delete' });
  [big, small] = t.scenario.a.services as [typeof big, typeof small];
});

afterAll(async () => {
  await t?.close();
});

const bindingCount = () => t.db.prisma.binding.count();
const page: FetchPage = async (args) => (await t.data(Page, { sid: big.sid, ...args })).service!.bindings;

/** The big service's bindings now, in order, from the database. */
async function currentBindings(): Promise<string[]> {
  return (await t.db.prisma.binding.findMany({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' }, select: { sid: true } })).map((b) => b.sid);
}

describe('deleting a binding', () => {
  let row: Binding;
  let before: { service: number; user: number; all: number };
  let payload: Awaited<ReturnType<typeof deleteIt>>;

  const deleteIt = () => t.run(DeleteBinding, { id: row.sid, clientMutationId: 'client-42' });

  beforeAll(async () => {
    // One with a credential and message types, so every field has a value.
    row = await t.db.prisma.binding.findFirstOrThrow({
      where: { serviceSid: big.sid, credentialSid: { not: null }, NOT: { messageTypes: { isEmpty: true } } },
      orderBy: { sid: 'desc' },
    });
    const state = await t.data(AfterDelete, { id: row.sid, service: big.sid, user: row.userSid });
    expect(state.node).toEqual({ id: row.sid });
    before = { service: state.service!.bindings.totalCount, user: state.service!.user!.bindings.totalCount, all: await bindingCount() };
    payload = await deleteIt();
  });

  it('answers with the deleted id, the binding as it was, its service and the clientMutationId', async () => {
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { sid: row.userSid }, select: { sid: true, identity: true } });
    const credential = await t.db.prisma.credential.findUniqueOrThrow({ where: { sid: row.credentialSid! }, select: { sid: true, type: true } });
    const service = await t.db.prisma.service.findUniqueOrThrow({ where: { sid: big.sid } });
    expect(payload.status).toBe(200);
    expect(payload.body).toEqual({
      data: {
        deleteBinding: {
          deletedBindingId: row.sid,
          clientMutationId: 'client-42',
          binding: bindingFieldsJson(row, user, credential),
          service: { __typename: 'Service', id: big.sid, sid: big.sid, friendlyName: service.friendlyName },
        },
      },
    });
  });

  it('removes it from the database, node(), the lists and their totalCounts', async () => {
    expect(await t.db.prisma.binding.findUnique({ where: { sid: row.sid } })).toBeNull();
    expect(await bindingCount()).toBe(before.all - 1);
    const state = await t.data(AfterDelete, { id: row.sid, service: big.sid, user: row.userSid });
    expect(state.node).toBeNull();
    expect(state.service!.bindings.nodes.map((n) => n.sid)).toEqual(await currentBindings());
    expect(state.service!.bindings.nodes.map((n) => n.sid)).not.toContain(row.sid);
    expect(state.service!.bindings.totalCount).toBe(before.service - 1);
    expect(state.service!.user!.bindings.nodes.map((n) => n.sid)).not.toContain(row.sid);
    expect(state.service!.user!.bindings.totalCount).toBe(before.user - 1);
  });

  it('is NOT_FOUND the second time, and deletes nothing else', async () => {
    const count = await bindingCount();
    const again = await deleteIt();
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
    expect(again.body.errors![0]!.path).toEqual(['deleteBinding']);
    expect(again.body.data ?? null).toBeNull();
    expect(await bindingCount()).toBe(count);
  });
});

describe('deleteBinding errors', () => {
  it('echoes no clientMutationId when none was sent', async () => {
    const result = await t.data(DeleteBinding, { id: small.bindings[0]! });
    expect(result.deleteBinding).toMatchObject({ deletedBindingId: small.bindings[0], clientMutationId: null });
  });

  it('is NOT_FOUND for a well-formed binding sid that does not exist', async () => {
    const count = await bindingCount();
    const result = await t.run(DeleteBinding, { id: `BS${'0'.repeat(32)}` });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(await bindingCount()).toBe(count);
  });

  it.each(['service', 'user', 'credential', 'account'] as const)('is NOT_FOUND for the sid of a %s, and deletes nothing', async (kind) => {
    const p = t.db.prisma;
    const sid = {
      service: async () => small.sid,
      user: async () => (await p.user.findFirstOrThrow({ where: { serviceSid: small.sid } })).sid,
      credential: async () => (await p.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid } })).sid,
      account: async () => t.scenario.a.sid,
    }[kind];
    const count = { bindings: await bindingCount(), services: await p.service.count(), users: await p.user.count(), credentials: await p.credential.count() };
    const result = await t.run(DeleteBinding, { id: await sid() });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.body.data ?? null).toBeNull();
    expect({ bindings: await bindingCount(), services: await p.service.count(), users: await p.user.count(), credentials: await p.credential.count() }).toEqual(
      count,
    );
  });

  it.each([
    ['garbage', 'garbage'],
    ['an empty string', ''],
    ['a binding sid with bad hex', `BS${'g'.repeat(32)}`],
    ['a lower-case prefix', `bs${'a'.repeat(32)}`],
    ['a binding sid with a newline', `BS${'a'.repeat(32)}\n`],
  ])('is BAD_USER_INPUT for %s', async (_label, id) => {
    const count = await bindingCount();
    const result = await t.run(DeleteBinding, { id });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.errors![0]!.path).toEqual(['deleteBinding']);
    expect(await bindingCount()).toBe(count);
  });

  it('lets exactly one of two concurrent deletes of the same binding succeed', async () => {
    const id = small.bindings[2]!;
    const results = await Promise.all([t.run(DeleteBinding, { id }), t.run(DeleteBinding, { id })]);
    const outcomes = results.map((r) => (r.body.data?.deleteBinding ? 'deleted' : errorCodes(r)[0])).sort();
    expect(outcomes).toEqual(['NOT_FOUND', 'deleted']);
    expect(await t.db.prisma.binding.findUnique({ where: { sid: id } })).toBeNull();
  });

  // KNOWN BUG (reported): the per-request batch loaders behind Service.bindings
  // are not cleared by deleteBinding, so the second payload re-serves the list
  // and totalCount cached for the first one. Remove `.fails` once fixed.
  it('reports the state after each delete when one request deletes twice', async () => {
    const [first, second] = [small.bindings[3]!, small.bindings[4]!];
    const result = await t.data(DeleteTwo, { first, second });
    const remaining = (await t.db.prisma.binding.findMany({ where: { serviceSid: small.sid }, orderBy: { sid: 'asc' } })).map((b) => b.sid);
    expect(remaining).not.toContain(first);
    expect(remaining).not.toContain(second);
    expect(result.one.service!.bindings.nodes.map((n) => n.sid)).toEqual([...remaining, second].sort());
    expect(result.one.service!.bindings.totalCount).toBe(remaining.length + 1);
    expect(result.two.service!.bindings.nodes.map((n) => n.sid)).toEqual(remaining);
    expect(result.two.service!.bindings.totalCount).toBe(remaining.length);
  });
});

describe('paging across a deleted row', () => {
  it('continues after a cursor whose row was deleted: exactly the following rows, hasPreviousPage still true', async () => {
    const list = await currentBindings();
    const first = await page({ first: 10 });
    expect(sidsOf(first)).toEqual(list.slice(0, 10));
    const gone = first.edges[9]!.node.sid;
    expect(first.pageInfo.endCursor).toBe(first.edges[9]!.cursor);
    await t.data(DeleteBinding, { id: gone });

    const next = await page({ first: 10, after: first.pageInfo.endCursor });
    expect(sidsOf(next)).toEqual(list.slice(10, 20));
    expect(next.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('goes back before a cursor whose row was deleted: exactly the preceding rows, hasNextPage still true', async () => {
    const list = await currentBindings();
    const page1 = await page({ first: 25 });
    const cursorEdge = page1.edges[20]!;
    await t.data(DeleteBinding, { id: cursorEdge.node.sid });

    const back = await page({ last: 6, before: cursorEdge.cursor });
    expect(sidsOf(back)).toEqual(list.slice(14, 20));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // And forward from it still starts right after the deleted row.
    const forward = await page({ first: 3, after: cursorEdge.cursor });
    expect(sidsOf(forward)).toEqual(list.slice(21, 24));
  });

  it('skips a row deleted between two page fetches', async () => {
    const list = await currentBindings();
    const page1 = await page({ first: 5 });
    await t.data(DeleteBinding, { id: list[6]! });
    const page2 = await page({ first: 5, after: page1.pageInfo.endCursor });
    expect(sidsOf(page2)).toEqual([list[5], ...list.slice(7, 11)]);
  });
});
