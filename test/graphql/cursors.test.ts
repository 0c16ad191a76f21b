/**
 * Cursors are opaque and signed: anything but a cursor this gateway issued for
 * the very same list (same kind, same parent) is BAD_USER_INPUT — never a page
 * from somewhere else, never an internal error.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../src/domain/paging.js';
import { graphql } from '../gql/index.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';

const ServiceBindingsCursor = graphql(`
  query CursorServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {
    service(sid: $sid) {
      sid
      bindings(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { sid } }
      }
    }
  }
`);

const UserBindingsCursor = graphql(`
  query CursorUserBindings($sid: String!, $user: String!, $first: Int, $after: String) {
    service(sid: $sid) {
      user(sid: $user) {
        bindings(first: $first, after: $after) { edges { cursor node { sid } } }
      }
    }
  }
`);

const UsersCursor = graphql(`
  query CursorServiceUsers($sid: String!, $first: Int, $after: String) {
    service(sid: $sid) { users(first: $first, after: $after) { edges { cursor node { sid } } } }
  }
`);

const ServicesCursor = graphql(`
  query CursorServices($first: Int, $after: String) {
    services(first: $first, after: $after) { edges { cursor node { sid } } }
  }
`);

let t: TestApp;
let big: { sid: string; bindings: string[] };
let small: { sid: string; bindings: string[] };
/** Issued by the gateway: the 5th binding of the big service, in its bindings list. */
let good: string;
/** Cursors the gateway issued for other lists. */
let foreign: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ seed: 'cursors' });
  [big, small] = t.scenario.a.services as [typeof big, typeof small];
  const { a, b } = t.scenario;

  const page = await t.data(ServiceBindingsCursor, { sid: big.sid, first: 5 });
  good = page.service!.bindings.edges[4]!.cursor;

  const user = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' } });
  const userBindings = await t.data(UserBindingsCursor, { sid: big.sid, user: user.sid, first: 1 });
  const users = await t.data(UsersCursor, { sid: big.sid, first: 1 });
  const services = await t.data(ServicesCursor, { first: 1 });
  const otherService = await t.data(ServiceBindingsCursor, { sid: small.sid, first: 1 });
  const bServices = await t.data(ServicesCursor, { first: 1 }, b.authorization);
  const bBindings = await t.data(ServiceBindingsCursor, { sid: b.services[0]!.sid, first: 1 }, b.authorization);
  foreign = {
    "another service's bindings": otherService.service!.bindings.edges[0]!.cursor,
    "the same service's users": users.service!.users.edges[0]!.cursor,
    "a user's bindings": userBindings.service!.user!.bindings.edges[0]!.cursor,
    "the account's services": services.services.edges[0]!.cursor,
    "account B's service's bindings": bBindings.service!.bindings.edges[0]!.cursor,
    "account B's services": bServices.services.edges[0]!.cursor,
  };
  expect(a.services[0]!.sid).toBe(big.sid);
});

afterAll(async () => {
  await t?.close();
});

/** Changes the last character to another (non-equivalent) base64url digit. */
const tamperLast = (cursor: string) => cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');

/** The same cursor, re-pointed at another row but keeping the signature. */
function repointed(cursor: string, sid: string): string {
  const [payload, mac] = cursor.split('.') as [string, string];
  const parts = Buffer.from(payload, 'base64url').toString().split('|');
  parts[3] = sid;
  return `${Buffer.from(parts.join('|')).toString('base64url')}.${mac}`;
}

async function expectRejected(cursor: string, as: 'after' | 'before', sid = big.sid) {
  const result = await t.run(ServiceBindingsCursor, { sid, first: as === 'after' ? 3 : null, last: as === 'before' ? 3 : null, [as]: cursor });
  expect(result.status).toBe(200);
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.body.errors![0]!.path).toEqual(['service', 'bindings']);
  expect(result.body.errors![0]!.message).toMatch(new RegExp(`^${as}\\b`));
  // No page at all: the error nulls the service out.
  expect(result.body.data?.service ?? null).toBeNull();
}

it('accepts the cursor as issued (the control for every case below)', async () => {
  const after = await t.data(ServiceBindingsCursor, { sid: big.sid, first: 3, after: good });
  expect(after.service!.bindings.edges.map((e) => e.node.sid)).toEqual(big.bindings.slice(5, 8));
  const before = await t.data(ServiceBindingsCursor, { sid: big.sid, last: 3, before: good });
  expect(before.service!.bindings.edges.map((e) => e.node.sid)).toEqual(big.bindings.slice(1, 4));
});

describe.each(['after', 'before'] as const)('as %s', (as) => {
  const malformed: Array<[string, () => string]> = [
    ['a random string', () => 'not-a-cursor'],
    ['an empty string', () => ''],
    ['random base64 with a dot', () => `${randomBytes(30).toString('base64url')}.${randomBytes(12).toString('base64url')}`],
    ['the cursor without its signature', () => good.split('.')[0]!],
    ['the cursor truncated by one character', () => good.slice(0, -1)],
    ['the cursor cut in half', () => good.slice(0, Math.floor(good.length / 2))],
    ['the cursor with its last character changed', () => tamperLast(good)],
    ['the cursor re-pointed at another row, signature kept', () => repointed(good, big.bindings[40]!)],
    ['a cursor signed with another key', () => new CursorCodec(randomBytes(32)).encode({ list: 'bindings', parent: big.sid }, { sid: big.bindings[4]! })],
    ['a very long string', () => `${good}${'A'.repeat(600)}`],
  ];

  it.each(malformed)('rejects %s', async (_label, make) => {
    const cursor = make();
    expect(cursor).not.toBe(good);
    await expectRejected(cursor, as);
  });

  it.each([
    "another service's bindings",
    "the same service's users",
    "a user's bindings",
    "the account's services",
    "account B's service's bindings",
    "account B's services",
  ])('rejects a cursor from %s', async (from) => {
    await expectRejected(foreign[from]!, as);
  });
});

describe('cursors from this list, used on other lists', () => {
  it("rejects a service's bindings cursor on another service's bindings", async () => {
    await expectRejected(good, 'after', small.sid);
  });

  it("rejects it on account B's service, even with B's credentials", async () => {
    const result = await t.run(ServiceBindingsCursor, { sid: t.scenario.b.services[0]!.sid, first: 2, after: good }, t.scenario.b.authorization);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.data?.service ?? null).toBeNull();
  });

  it('rejects a services cursor of account A when account B lists its services', async () => {
    const result = await t.run(ServicesCursor, { first: 2, after: foreign["the account's services"] }, t.scenario.b.authorization);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.body.data ?? null).toBeNull();
  });

  it("rejects a service's bindings cursor on the users list and on a user's bindings", async () => {
    const users = await t.run(UsersCursor, { sid: big.sid, first: 2, after: good });
    expect(errorCodes(users)).toEqual(['BAD_USER_INPUT']);
    const user = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: big.sid } });
    const userBindings = await t.run(UserBindingsCursor, { sid: big.sid, user: user.sid, first: 2, after: good });
    expect(errorCodes(userBindings)).toEqual(['BAD_USER_INPUT']);
    expect(userBindings.body.errors![0]!.path).toEqual(['service', 'user', 'bindings']);
  });
});
