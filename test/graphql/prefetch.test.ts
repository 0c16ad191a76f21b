/**
 * `Query.service(sid)` reads the service together with its first list
 * (bindings or users: a page in one LATERAL statement, or only the maintained
 * count when nothing but totalCount is selected), and connection fields that
 * select only totalCount read no page (src/graphql/loading/prefetch.ts, connection.ts).
 *
 * Every optimised ("folded") result is compared with the straightforward one,
 * the same document served by an app with the read-ahead off: equal data,
 * equal errors (message, path, code). The same document written with
 * fragments must cost exactly what the inline one costs, with the same answer.
 * The statements each path costs are asserted too, so a comparison can never
 * be between two runs of the same path. Counts are also checked against count(*).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { serverSecret } from '../../src/db/server-secrets.js';
import { CursorCodec } from '../../src/domain/paging.js';
import { newSid } from '../../src/domain/sids.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { type GraphQLResult, postGraphQL, startTestApp, type TestApp, WITHOUT_COST_LIMIT } from '../helpers/app.js';
import { type Connection, expectBackwardWalk, expectForwardWalk, type FetchPage, type PageArgs, sidsOf } from '../helpers/connections.js';
import { testLogger } from '../helpers/server.js';
import { bindingScalarsJson } from './fragments.js';

// ---------------------------------------------------------------------------
// Statements

/**
 * What a statement Prisma sent is for; undefined for the credential check (the
 * first request of a credential may need one, later ones may not: a cache).
 */
function kindOf(sql: string): string | undefined {
  const table = /\bFROM "[^"]+"\."(\w+)"/.exec(sql)?.[1];
  if ((table === 'accounts' || table === 'api_keys') && /auth_token_hash|secret_hash/.test(sql) && !sql.includes('friendly_name')) return undefined;
  if (/\bFROM services pt\b/.test(sql)) return `service + ${/\bFROM (bindings|users) t\b/.exec(sql)?.[1] ?? '?'} page`;
  if (/\bFROM binding_counts c\b/.test(sql)) {
    // One service read with its count, or the counts of a batch of parents (unnest).
    return /\bFROM services t WHERE t\.sid = \$\d/.test(sql) && !/\bunnest\(/.test(sql) ? 'service + bindings count' : 'bindings count (maintained)';
  }
  const raw = /\bFROM (services|users|bindings) t\b/.exec(sql);
  if (raw) return /count\(\*\)/.test(sql) ? `${raw[1]} count(*)` : `${raw[1]} page`;
  if (table) return `${table} by sid`;
  return `other: ${sql}`;
}

let t: TestApp;
/** The same gateway over the same database with the read-ahead off: the straightforward path. */
let plain: App;

interface Measured {
  result: GraphQLResult<any>;
  /** Kinds of the statements it cost (authentication excluded), sorted. */
  statements: string[];
}

async function measure(query: string, variables: Record<string, unknown>, authorization?: string, app?: App): Promise<Measured> {
  t.queries.length = 0;
  const result = app ? await postGraphQL(app, query, variables, authorization ?? t.scenario.a.authorization) : await t.graphql(query, variables, authorization);
  const statements = t.queries
    .map(kindOf)
    .filter((k): k is string => k !== undefined)
    .sort();
  return { result, statements };
}

/** What both paths must agree on: status, data, and each error's message, path and code (locations differ: the fragment moves the field). */
function comparable(result: GraphQLResult<any>) {
  return {
    status: result.status,
    data: result.body.data,
    errors: result.body.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })),
  };
}

/** One question written two ways: fields inline, and the same selections in fragments. */
interface Docs {
  inline: string;
  fragments: string;
}

/**
 * Runs the document folded and straightforward and expects the same answer;
 * the fragments form must fold exactly like the inline one (same answer,
 * same statements).
 */
async function both(docs: Docs, variables: Record<string, unknown>, authorization?: string) {
  const folded = await measure(docs.inline, variables, authorization);
  const fragments = await measure(docs.fragments, variables, authorization);
  const straight = await measure(docs.inline, variables, authorization, plain);
  expect(comparable(folded.result), JSON.stringify(variables)).toEqual(comparable(straight.result));
  expect(comparable(fragments.result), `fragments ${JSON.stringify(variables)}`).toEqual(comparable(folded.result));
  expect(fragments.statements, `fragments ${JSON.stringify(variables)}`).toEqual(folded.statements);
  return { folded, straight, data: folded.result.body.data, errors: folded.result.body.errors };
}

// ---------------------------------------------------------------------------
// Documents

const SERVICE_FIELDS = '__typename id sid accountSid friendlyName dateCreated dateUpdated';
const BINDING_FIELDS = '__typename id sid accountSid serviceSid userSid identity endpoint bindingType credentialSid messageTypes dateCreated dateUpdated';
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
/** Everything a connection has, together. */
const ALL_BINDINGS = `totalCount edges { cursor node { ${BINDING_FIELDS} } } nodes { sid identity bindingType } ${PAGE_INFO}`;
const ALL_USERS = `totalCount edges { cursor node { __typename id sid serviceSid identity friendlyName dateCreated dateUpdated } } nodes { sid } ${PAGE_INFO}`;

const BINDING_VARS = '$s: String!, $first: Int, $after: String, $last: Int, $before: String, $bindingType: [BindingType!], $identity: [String!]';
const BINDING_ARGS = 'first: $first, after: $after, last: $last, before: $before, bindingType: $bindingType, identity: $identity';
const USER_VARS = '$s: String!, $first: Int, $after: String, $last: Int, $before: String';
const USER_ARGS = 'first: $first, after: $after, last: $last, before: $before';

/** `service(sid: $s) { <list> <service fields> }`, and the same with the list in a fragment. */
function serviceDocs(vars: string, list: string): Docs {
  return {
    inline: `query Inline(${vars}) { service(sid: $s) { ${list} ${SERVICE_FIELDS} } }`,
    fragments: `query Fragments(${vars}) { service(sid: $s) { ...List ${SERVICE_FIELDS} } } fragment List on Service { ${list} }`,
  };
}

const bindingsDocs = (selection: string) => serviceDocs(BINDING_VARS, `bindings(${BINDING_ARGS}) { ${selection} }`);
const usersDocs = (selection: string) => serviceDocs(USER_VARS, `users(${USER_ARGS}) { ${selection} }`);

const ALL_BINDINGS_DOCS = bindingsDocs(ALL_BINDINGS);
const PAGE_BINDINGS_DOCS = bindingsDocs(`edges { cursor node { sid } } ${PAGE_INFO}`);
const COUNT_DOCS = bindingsDocs('totalCount');
const ALL_USERS_DOCS = usersDocs(ALL_USERS);

/** What each path costs for a page of bindings (with totalCount selected, the count is one more statement on both). */
const FOLDED_PAGE = ['service + bindings page'];
const STRAIGHT_PAGE = ['bindings page', 'services by sid'];
const FOLDED_PAGE_AND_COUNT = ['bindings count (maintained)', 'service + bindings page'];
const STRAIGHT_PAGE_AND_COUNT = ['bindings count (maintained)', 'bindings page', 'services by sid'];

// ---------------------------------------------------------------------------
// Data

const BIG = 100;
const identity = (n: number) => `user-${n}@alpha.example`;

/** Account A's big service: its sid and bindings in sid order. */
let big: { sid: string; bindings: string[] };
let small: { sid: string; bindings: string[] };
/** Account B's only service. */
let bService: { sid: string; bindings: string[] };
/** A service of account A without users or bindings. */
let empty: string;
/** Signs cursors as the app does (same key), to build cursors the API would never hand out. */
let key: Buffer;
let codec: CursorCodec;

beforeAll(async () => {
  t = await startTestApp({ seed: 'prefetch', bigServiceBindings: BIG, app: WITHOUT_COST_LIMIT });
  plain = await createApp(t.db, testLogger, { ...WITHOUT_COST_LIMIT, readAhead: false });
  [big, small] = t.scenario.a.services as [typeof big, typeof small];
  bService = t.scenario.b.services[0]!;
  empty = (await t.db.prisma.service.create({ data: { sid: newSid('IS'), accountSid: t.scenario.a.sid, friendlyName: 'Empty' } })).sid;
  // Every service column distinct, so a column read into the wrong field shows.
  await t.db.prisma.$executeRaw`UPDATE services SET friendly_name = ${'Big "service" — ünïcödé, \\ and |pipes|'},
    date_updated = date_created + interval '1 day 2 hours 3.456 seconds' WHERE sid = ${big.sid}`;
  await t.db.prisma.$executeRaw`UPDATE bindings SET date_updated = date_created + interval '5 minutes 0.789 seconds'
    WHERE sid IN (SELECT sid FROM bindings WHERE service_sid = ${big.sid} ORDER BY sid LIMIT 20)`;
  key = await serverSecret(t.db.prisma, 'cursor-key');
  codec = new CursorCodec(key);
});

afterAll(async () => {
  await plain?.close();
  await t?.close();
});

type Filter = { bindingType?: string[] | null; identity?: string[] | null };

/** Identities a stored row can have (Postgres text cannot hold NUL, and the database refuses it in a query). */
const storableIdentities = (filter: Filter) => filter.identity?.filter((i) => !i.includes('\u0000'));

/** The service's bindings under the filter, from the database, in sid order. */
async function expectedBindings(serviceSid: string, filter: Filter = {}) {
  if (filter.identity?.length && !storableIdentities(filter)!.length) return [];
  return t.db.prisma.binding.findMany({
    where: {
      serviceSid,
      ...(filter.bindingType?.length ? { bindingType: { in: filter.bindingType.map((b) => b.toLowerCase() as 'apn' | 'gcm' | 'fcm') } } : {}),
      ...(filter.identity?.length ? { identity: { in: storableIdentities(filter) } } : {}),
    },
    orderBy: { sid: 'asc' },
  });
}

/** count(*) of the service's bindings under the filter, in SQL. */
async function sqlCount(serviceSid: string, filter: Filter = {}): Promise<number> {
  if (filter.identity?.length && !storableIdentities(filter)!.length) return 0;
  const conditions = [Prisma.sql`service_sid = ${serviceSid}`];
  if (filter.bindingType?.length) conditions.push(Prisma.sql`binding_type::text = ANY(${filter.bindingType.map((b) => b.toLowerCase())}::text[])`);
  if (filter.identity?.length) conditions.push(Prisma.sql`identity = ANY(${storableIdentities(filter)}::text[])`);
  const [row] = await t.db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM bindings WHERE ${Prisma.join(conditions, ' AND ')}`;
  return Number(row!.n);
}

async function serviceJson(sid: string) {
  const s = await t.db.prisma.service.findUniqueOrThrow({ where: { sid } });
  return {
    __typename: 'Service',
    id: s.sid,
    sid: s.sid,
    accountSid: s.accountSid,
    friendlyName: s.friendlyName,
    dateCreated: s.dateCreated.toISOString(),
    dateUpdated: s.dateUpdated.toISOString(),
  };
}

// ---------------------------------------------------------------------------

it('has the data the tests below need', async () => {
  expect(big.bindings).toHaveLength(BIG);
  const service = await serviceJson(big.sid);
  expect(service.dateUpdated).not.toBe(service.dateCreated);
  expect((await expectedBindings(big.sid)).map((b) => b.sid)).toEqual(big.bindings);
  expect(await t.db.prisma.binding.count({ where: { serviceSid: empty } })).toBe(0);
  expect(await t.db.prisma.user.count({ where: { serviceSid: empty } })).toBe(0);
  // Both forms are valid documents, and they do take different paths.
  const { folded, straight, data } = await both(PAGE_BINDINGS_DOCS, { s: big.sid, first: 3 });
  expect(sidsOf(data.service.bindings)).toEqual(big.bindings.slice(0, 3));
  expect(folded.statements).toEqual(FOLDED_PAGE);
  expect(straight.statements).toEqual(STRAIGHT_PAGE);
});

describe('bindings pages: folded equals straightforward', () => {
  it.each([
    ['no arguments (50)', {}],
    ['first: 1', { first: 1 }],
    ['first: 50', { first: 50 }],
    ['first: 1000', { first: 1000 }],
    ['first: 0', { first: 0 }],
    ['last: 1', { last: 1 }],
    ['last: 13', { last: 13 }],
    ['last: 1000', { last: 1000 }],
    ['last: 0', { last: 0 }],
  ])('%s, with everything selected together', async (_label, args: PageArgs) => {
    const { folded, straight, data } = await both(ALL_BINDINGS_DOCS, { s: big.sid, ...args });
    expect(folded.statements).toEqual(FOLDED_PAGE_AND_COUNT);
    expect(straight.statements).toEqual(STRAIGHT_PAGE_AND_COUNT);

    // And both are right: the rows, in order, with every field, the service, and the total.
    const rows = await expectedBindings(big.sid);
    const size = args.first ?? args.last ?? 50;
    const want = args.last != null ? rows.slice(Math.max(0, rows.length - size)) : rows.slice(0, size);
    const connection = data.service.bindings;
    expect(connection.edges.map((e: any) => e.node)).toEqual(want.map(bindingScalarsJson));
    expect(connection.nodes).toEqual(want.map((b) => ({ sid: b.sid, identity: b.identity, bindingType: b.bindingType.toUpperCase() })));
    expect(connection.totalCount).toBe(BIG);
    expect(connection.pageInfo).toEqual({
      hasNextPage: args.last != null ? false : size < BIG,
      hasPreviousPage: args.last != null ? size < BIG : false,
      startCursor: connection.edges[0]?.cursor ?? null,
      endCursor: connection.edges.at(-1)?.cursor ?? null,
    });
    const { bindings: _, ...service } = data.service;
    expect(service).toEqual(await serviceJson(big.sid));
  });

  /** Fetches a page both ways (expecting equal answers and the folded cost), returning the folded one. */
  const pageOfBoth =
    (filter: Filter = {}, serviceSid = () => big.sid): FetchPage =>
    async (args) => {
      const { folded, data } = await both(PAGE_BINDINGS_DOCS, { s: serviceSid(), ...filter, ...args });
      expect(folded.statements).toEqual(FOLDED_PAGE);
      return data.service.bindings as Connection;
    };

  it('walks the whole big service forward with first: 7, every page and pageInfo equal', async () => {
    const pages = await expectForwardWalk(pageOfBoth(), big.bindings, 7);
    expect(pages).toHaveLength(Math.ceil(BIG / 7));
  });

  it('walks the whole big service backward with last: 7, every page and pageInfo equal', async () => {
    const pages = await expectBackwardWalk(pageOfBoth(), big.bindings, 7);
    expect(pages).toHaveLength(Math.ceil(BIG / 7));
  });

  it('pages after and before cursors from the middle, and within after + before', async () => {
    const fetch = pageOfBoth();
    const page = await fetch({ first: 30 });
    const [c9, c17, c20] = [page.edges[9]!.cursor, page.edges[17]!.cursor, page.edges[20]!.cursor];
    expect(sidsOf(await fetch({ first: 5, after: c17 }))).toEqual(big.bindings.slice(18, 23));
    expect(sidsOf(await fetch({ last: 5, before: c17 }))).toEqual(big.bindings.slice(12, 17));
    const window = await fetch({ first: 100, after: c9, before: c20 });
    expect(sidsOf(window)).toEqual(big.bindings.slice(10, 20));
    expect(window.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(sidsOf(await fetch({ last: 3, after: c9, before: c20 }))).toEqual(big.bindings.slice(17, 20));
    expect(sidsOf(await fetch({ first: 0, after: c9 }))).toEqual([]);
  });

  const filters: Array<[string, Filter, 'some' | 'none']> = [
    ['bindingType [APN, FCM]', { bindingType: ['APN', 'FCM'] }, 'some'],
    ['bindingType [GCM]', { bindingType: ['GCM'] }, 'some'],
    ['two identities (with @)', { identity: [identity(1), identity(4)] }, 'some'],
    ['an identity and an unknown one', { identity: [identity(2), 'nobody@alpha.example'] }, 'some'],
    ['only unknown identities', { identity: ['nobody@alpha.example', 'user-1@beta.example'] }, 'none'],
    ['an identity Postgres cannot store (NUL)', { identity: ['user-1\u0000@alpha.example'] }, 'none'],
    ['bindingType [APN, FCM] and three identities', { bindingType: ['APN', 'FCM'], identity: [identity(0), identity(5), identity(7)] }, 'some'],
    ['bindingType [GCM] and an identity with no GCM binding', { bindingType: ['GCM'], identity: [identity(0)] }, 'none'],
    ['empty lists (no filter)', { bindingType: [], identity: [] }, 'some'],
  ];

  it.each(filters)('filtered by %s: equal pages, totals and cursors, and right', async (_label, filter, expectRows) => {
    const want = await expectedBindings(big.sid, filter);
    if (expectRows === 'some') expect(want.length).toBeGreaterThan(0);
    else expect(want).toEqual([]);
    if (filter.bindingType?.length || filter.identity?.length) expect(want.length).toBeLessThan(BIG);

    for (const args of [{ first: 1000 }, { first: 4 }, { last: 3 }] as PageArgs[]) {
      const { folded, data } = await both(ALL_BINDINGS_DOCS, { s: big.sid, ...filter, ...args });
      const counted = filter.identity?.length ? 'bindings count(*)' : 'bindings count (maintained)';
      expect(folded.statements).toEqual([counted, 'service + bindings page'].sort());
      const connection = data.service.bindings;
      expect(connection.totalCount).toBe(want.length);
      expect(connection.totalCount).toBe(await sqlCount(big.sid, filter));
      const slice = args.last != null ? want.slice(-args.last) : want.slice(0, args.first!);
      expect(connection.edges.map((e: any) => e.node)).toEqual(slice.map(bindingScalarsJson));
    }
    if (want.length > 0) {
      const sids = want.map((b) => b.sid);
      await expectForwardWalk(pageOfBoth(filter), sids, 3);
      await expectBackwardWalk(pageOfBoth(filter), sids, 3);
    }
  });

  it('folds an aliased list, and one included by a directive, with equal answers', async () => {
    const aliased = serviceDocs(BINDING_VARS, `page: bindings(${BINDING_ARGS}) { nodes { sid } ${PAGE_INFO} }`);
    const { folded: a, data } = await both(aliased, { s: big.sid, first: 5 });
    expect(a.statements).toEqual(FOLDED_PAGE);
    expect(data.service.page.nodes.map((n: any) => n.sid)).toEqual(big.bindings.slice(0, 5));

    const directive = serviceDocs(`${BINDING_VARS}, $yes: Boolean!`, `bindings(${BINDING_ARGS}) @include(if: $yes) { nodes { sid } ${PAGE_INFO} }`);
    const { folded: d, data: dData } = await both(directive, { s: big.sid, first: 5, yes: true });
    expect(d.statements).toEqual(FOLDED_PAGE);
    expect(dData.service.bindings.nodes.map((n: any) => n.sid)).toEqual(big.bindings.slice(0, 5));
  });

  it('answers several lists under one service like the straightforward query (only the first is folded)', async () => {
    const list = `
      users(first: 3) { nodes { sid } }
      apn: bindings(first: 4, bindingType: [APN]) { totalCount nodes { sid bindingType } }
      all: bindings(first: 4) { totalCount nodes { sid } }
      again: bindings(first: 4) { nodes { sid } }`;
    const docs = serviceDocs('$s: String!', list);
    const { folded, straight, data } = await both(docs, { s: big.sid });
    // Two filters, two counts; `all` and `again` share one page.
    const counts = ['bindings count (maintained)', 'bindings count (maintained)', 'bindings page', 'bindings page'];
    expect(folded.statements).toEqual([...counts, 'service + users page']);
    expect(straight.statements).toEqual([...counts, 'services by sid', 'users page']);
    expect(data.service.all.nodes).toEqual(data.service.again.nodes);
    expect(data.service.apn.totalCount).toBe(await sqlCount(big.sid, { bindingType: ['APN'] }));
  });

  it("resolves the page's relations (service, user, credential) like the straightforward query, the service from the folded row", async () => {
    const docs = bindingsDocs(`nodes { sid service { ${SERVICE_FIELDS} } user { sid identity } credential { sid type } }`);
    const { folded, straight, data } = await both(docs, { s: big.sid, first: 30 });
    expect(folded.statements).toEqual(['credentials by sid', 'service + bindings page', 'users by sid']);
    expect(straight.statements).toEqual(['bindings page', 'credentials by sid', 'services by sid', 'users by sid']);
    const service = await serviceJson(big.sid);
    const rows = await expectedBindings(big.sid);
    expect(data.service.bindings.nodes).toHaveLength(30);
    for (const [i, node] of (data.service.bindings.nodes as any[]).entries()) {
      expect(node.sid).toBe(rows[i]!.sid);
      expect(node.service).toEqual(service);
      expect(node.user.identity).toBe(rows[i]!.identity);
      expect(node.credential?.sid ?? null).toBe(rows[i]!.credentialSid);
    }
  });

  it('answers a service field selected twice (merged selections) like the straightforward query', async () => {
    const docs: Docs = {
      inline: `query($s: String!) {
        service(sid: $s) { bindings(first: 4) { totalCount } }
        service(sid: $s) { sid bindings(first: 4) { nodes { sid } } }
      }`,
      fragments: `query($s: String!) { service(sid: $s) { ...A ...B } }
        fragment A on Service { bindings(first: 4) { totalCount } }
        fragment B on Service { sid bindings(first: 4) { nodes { sid } } }`,
    };
    const { data } = await both(docs, { s: big.sid });
    expect(data.service).toEqual({ sid: big.sid, bindings: { totalCount: BIG, nodes: big.bindings.slice(0, 4).map((sid) => ({ sid })) } });
  });
});

describe('users pages: folded equals straightforward', () => {
  let users: string[];
  beforeAll(async () => {
    users = (await t.db.prisma.user.findMany({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' } })).map((u) => u.sid);
  });

  it.each([{}, { first: 1 }, { first: 5 }, { first: 1000 }, { last: 4 }, { first: 0 }])('%o, with everything selected', async (args) => {
    const { folded, straight, data } = await both(ALL_USERS_DOCS, { s: big.sid, ...args });
    expect(folded.statements).toEqual(['service + users page', 'users count(*)']);
    expect(straight.statements).toEqual(['services by sid', 'users count(*)', 'users page']);
    expect(data.service.users.totalCount).toBe(users.length);
    const size = args.first ?? args.last ?? 50;
    expect(data.service.users.nodes.map((n: any) => n.sid)).toEqual('last' in args ? users.slice(-size) : users.slice(0, size));
  });

  it('walks the users forward and backward with page size 5', async () => {
    const docs = usersDocs(`edges { cursor node { sid } } ${PAGE_INFO}`);
    const fetch: FetchPage = async (args) => {
      const { folded, data } = await both(docs, { s: big.sid, ...args });
      expect(folded.statements).toEqual(['service + users page']);
      return data.service.users;
    };
    await expectForwardWalk(fetch, users, 5);
    await expectBackwardWalk(fetch, users, 5);
  });

  it('reads users with their bindings in exactly 2 statements after authentication', async () => {
    const list = 'users(first: 20) { nodes { sid identity bindings(first: 50) { pageInfo { hasNextPage endCursor } nodes { sid } } } }';
    const docs = serviceDocs('$s: String!', list);
    const { folded, straight, data } = await both(docs, { s: big.sid });
    expect(folded.statements).toEqual(['bindings page', 'service + users page']);
    expect(straight.statements).toEqual(['bindings page', 'services by sid', 'users page']);
    // And right: each user's bindings from the database.
    const nodes = data.service.users.nodes as Array<{ sid: string; bindings: { nodes: Array<{ sid: string }>; pageInfo: { endCursor: string | null } } }>;
    expect(nodes.map((n) => n.sid)).toEqual(users);
    for (const user of nodes) {
      const rows = await t.db.prisma.binding.findMany({ where: { userSid: user.sid }, orderBy: { sid: 'asc' }, select: { sid: true } });
      expect(user.bindings.nodes).toEqual(rows);
      expect(user.bindings.pageInfo.endCursor).toBe(codec.encode({ list: 'bindings', parent: user.sid }, { sid: rows.at(-1)!.sid }));
    }
  });
});

describe('no such service, or nothing in it', () => {
  const NONE = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };

  it('answers an empty page with exact pageInfo for a service without bindings or users', async () => {
    for (const args of [{}, { first: 10 }, { last: 10 }, { first: 0 }]) {
      const b = await both(ALL_BINDINGS_DOCS, { s: empty, ...args });
      expect(b.folded.statements).toEqual(FOLDED_PAGE_AND_COUNT);
      expect(b.data.service).toEqual({ ...(await serviceJson(empty)), bindings: { totalCount: 0, edges: [], nodes: [], pageInfo: NONE } });
      const u = await both(ALL_USERS_DOCS, { s: empty, ...args });
      expect(u.folded.statements).toEqual(['service + users page', 'users count(*)']);
      expect(u.data.service).toEqual({ ...(await serviceJson(empty)), users: { totalCount: 0, edges: [], nodes: [], pageInfo: NONE } });
    }
    const c = await both(COUNT_DOCS, { s: empty });
    expect(c.folded.statements).toEqual(['service + bindings count']);
    expect(c.data.service).toEqual({ ...(await serviceJson(empty)), bindings: { totalCount: 0 } });
  });

  // Well-formed IS sids take the folded path; for anything else, reading
  // nothing at all (or by sid) would be as right, so only the cost is fixed.
  const missing: Array<[string, () => string, boolean]> = [
    ['an unknown IS sid', () => newSid('IS'), true],
    ["account B's service, asked by account A", () => bService.sid, true],
    ['a string that is not a sid', () => 'not-a-sid', false],
    ['an empty string', () => '', false],
    ['a US sid', () => newSid('US'), false],
  ];

  it.each(missing)('answers service: null for %s on every path, costing one statement', async (_label, sid, wellFormed) => {
    const s = sid();
    for (const [docs, folds] of [
      [ALL_BINDINGS_DOCS, ['service + bindings page']],
      [PAGE_BINDINGS_DOCS, ['service + bindings page']],
      [COUNT_DOCS, ['service + bindings count']],
      [ALL_USERS_DOCS, ['service + users page']],
    ] as const) {
      for (const args of [{}, { first: 5 }, { last: 2, bindingType: ['APN'] }]) {
        const vars = docs === ALL_USERS_DOCS ? { s, ...args, bindingType: undefined } : { s, ...args };
        const { folded, straight } = await both(docs, vars);
        expect(folded.result.body).toEqual({ data: { service: null } });
        if (wellFormed) expect(folded.statements).toEqual(folds);
        else expect(folded.statements).toHaveLength(1);
        expect(straight.statements).toEqual(['services by sid']);
      }
    }
  });

  it("answers account B's service to B itself (the control for the case above)", async () => {
    const { folded, data } = await both(PAGE_BINDINGS_DOCS, { s: bService.sid, first: 10 }, t.scenario.b.authorization);
    expect(folded.statements).toEqual(FOLDED_PAGE);
    expect(sidsOf(data.service.bindings)).toEqual(bService.bindings);
  });

  it("answers null, leaking nothing, for B's service with a cursor validly signed for B's list, asked by A", async () => {
    const cursor = codec.encode({ list: 'bindings', parent: bService.sid }, { sid: bService.bindings[0]! });
    // The control: B may use it.
    const own = await both(PAGE_BINDINGS_DOCS, { s: bService.sid, first: 10, after: cursor }, t.scenario.b.authorization);
    expect(sidsOf(own.data.service.bindings)).toEqual(bService.bindings.slice(1));
    for (const args of [
      { first: 10, after: cursor },
      { last: 10, before: cursor },
    ]) {
      const { folded } = await both(PAGE_BINDINGS_DOCS, { s: bService.sid, ...args });
      expect(folded.result.body).toEqual({ data: { service: null } });
    }
  });

  // Postgres text cannot hold NUL: the ordinary lookup filters such strings out
  // (sidsOnly) and answers null; the folded statements must not send them to SQL.
  it.each([
    ['bindings page', () => PAGE_BINDINGS_DOCS],
    ['bindings totalCount', () => COUNT_DOCS],
    ['users page', () => ALL_USERS_DOCS],
  ])('answers service: null (no internal error) for a sid containing NUL, folded %s', async (_label, docs) => {
    const straight = await measure(docs().inline, { s: `${big.sid}\u0000` }, undefined, plain);
    expect(straight.result.body).toEqual({ data: { service: null } });
    const folded = await measure(docs().inline, { s: `${big.sid}\u0000` });
    expect(comparable(folded.result)).toEqual(comparable(straight.result));
  });
});

describe('errors: equal on both paths, and no data', () => {
  let otherServiceCursor: string;
  let usersCursor: string;
  let good: string;
  beforeAll(async () => {
    otherServiceCursor = codec.encode({ list: 'bindings', parent: small.sid }, { sid: small.bindings[0]! });
    const users = await both(usersDocs('edges { cursor }'), { s: big.sid, first: 1 });
    usersCursor = users.data.service.users.edges[0].cursor;
    good = codec.encode({ list: 'bindings', parent: big.sid }, { sid: big.bindings[10]! });
  });

  const tamper = (cursor: string) => cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');

  const cases: Array<[string, () => Record<string, unknown>, string, string]> = [
    ['a tampered cursor (after)', () => ({ first: 5, after: tamper(good) }), 'after is not a valid cursor for this list', 'BAD_USER_INPUT'],
    ['a tampered cursor (before)', () => ({ last: 5, before: tamper(good) }), 'before is not a valid cursor for this list', 'BAD_USER_INPUT'],
    [
      "a cursor from another service's bindings",
      () => ({ first: 5, after: otherServiceCursor }),
      'after is not a valid cursor for this list',
      'BAD_USER_INPUT',
    ],
    ["a cursor from the service's users", () => ({ first: 5, after: usersCursor }), 'after is not a valid cursor for this list', 'BAD_USER_INPUT'],
    ['first: -1', () => ({ first: -1 }), 'first must be an integer from 0 to 1000', 'BAD_USER_INPUT'],
    ['last: 1001', () => ({ last: 1001 }), 'last must be an integer from 0 to 1000', 'BAD_USER_INPUT'],
    ['first and last together', () => ({ first: 2, last: 2 }), 'Pass either first or last, not both', 'BAD_USER_INPUT'],
  ];

  it('uses valid cursors in these cases (the control)', async () => {
    const { data } = await both(ALL_BINDINGS_DOCS, { s: big.sid, first: 5, after: good });
    expect(sidsOf(data.service.bindings)).toEqual(big.bindings.slice(11, 16));
  });

  it.each(cases)('%s: the same error, service null', async (_label, args, message, code) => {
    for (const [name, docs] of [
      ['all', ALL_BINDINGS_DOCS],
      ['page', PAGE_BINDINGS_DOCS],
      ['totalCount', COUNT_DOCS],
    ] as const) {
      for (const filter of [{}, { bindingType: ['APN'] }, { identity: [identity(1)] }]) {
        const { folded, errors } = await both(docs, { s: big.sid, ...filter, ...args() });
        expect(folded.result.status, name).toBe(200);
        expect(
          errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })),
          name,
        ).toEqual([{ message, path: ['service', 'bindings'], code }]);
        expect(folded.result.body.data, name).toEqual({ service: null });
        expect(JSON.stringify(folded.result.body), name).not.toMatch(/BS[0-9a-f]{32}/);
      }
    }
  });

  it.each([
    ['first: -1', () => ({ first: -1 }), 'first must be an integer from 0 to 1000'],
    ['first and last together', () => ({ first: 1, last: 1 }), 'Pass either first or last, not both'],
    ["a cursor of the service's bindings", () => ({ first: 1, after: good }), 'after is not a valid cursor for this list'],
  ])('users with %s: the same error, service null', async (_label, args, message) => {
    for (const docs of [ALL_USERS_DOCS, usersDocs('totalCount')]) {
      const { errors, data } = await both(docs, { s: big.sid, ...args() });
      expect(errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code }))).toEqual([
        { message, path: ['service', 'users'], code: 'BAD_USER_INPUT' },
      ]);
      expect(data).toEqual({ service: null });
    }
  });
});

describe('statement counts (authentication excluded)', () => {
  it.each([
    ['a folded page', `query($s: String!) { service(sid: $s) { bindings(first: 50) { nodes { sid } pageInfo { hasNextPage endCursor } } } }`, FOLDED_PAGE],
    ['a folded count', `query($s: String!) { service(sid: $s) { bindings { totalCount } } }`, ['service + bindings count']],
    ['a folded count with __typename', `query($s: String!) { service(sid: $s) { bindings { __typename totalCount } } }`, ['service + bindings count']],
    ['a count by type', `query($s: String!) { service(sid: $s) { bindings(bindingType: [APN, GCM]) { totalCount } } }`, ['service + bindings count']],
    [
      'a count with an identity filter',
      `query($s: String!) { service(sid: $s) { bindings(identity: ["${identity(1)}"]) { totalCount } } }`,
      ['bindings count(*)', 'services by sid'],
    ],
    ['a page in a fragment', `query($s: String!) { service(sid: $s) { ...F } } fragment F on Service { bindings(first: 50) { nodes { sid } } }`, FOLDED_PAGE],
    [
      'a count in a fragment',
      `query($s: String!) { service(sid: $s) { ...F } } fragment F on Service { bindings { totalCount } }`,
      ['service + bindings count'],
    ],
    [
      'a count in a fragment on the connection',
      `query($s: String!) { service(sid: $s) { bindings { ...C } } } fragment C on ServiceBindingsConnection { totalCount }`,
      ['service + bindings count'],
    ],
    ['a page in an inline fragment', `query($s: String!) { service(sid: $s) { ... on Service { bindings(first: 50) { nodes { sid } } } } }`, FOLDED_PAGE],
    [
      'a page in a fragment on Node',
      `query($s: String!) { service(sid: $s) { ... on Node { ... on Service { bindings(first: 50) { nodes { sid } } } } } }`,
      FOLDED_PAGE,
    ],
    [
      'a page under @include(if: false), a count kept',
      `query($s: String!) { service(sid: $s) { bindings(first: 50) @include(if: false) { nodes { sid } } b: bindings { totalCount } } }`,
      ['service + bindings count'],
    ],
    ['the users count alone', `query($s: String!) { service(sid: $s) { users { totalCount } } }`, ['services by sid', 'users count(*)']],
    [
      "a user's bindings count alone",
      `query($s: String!, $u: String!) { service(sid: $s) { user(sid: $u) { bindings(bindingType: [FCM]) { totalCount } } } }`,
      ['bindings count(*)', 'services by sid', 'users by sid'],
    ],
    ["services' bindings counts", `query { services(first: 5) { nodes { bindings { totalCount } } } }`, ['bindings count (maintained)', 'services page']],
    [
      "services' users counts and bindings counts by type",
      `query { services(first: 5) { nodes { users { totalCount } bindings(bindingType: [APN]) { totalCount } } } }`,
      ['bindings count (maintained)', 'services page', 'users count(*)'],
    ],
  ])('%s', async (_label, query, expected) => {
    const user = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' } });
    const variables: Record<string, unknown> = {};
    if (query.includes('$s')) variables.s = big.sid;
    if (query.includes('$u')) variables.u = user.sid;
    const { result, statements } = await measure(query, variables);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toBeTruthy();
    expect(statements).toEqual(expected);
  });

  it('answers those counts right, with no page read', async () => {
    const user = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' } });
    const { result } = await measure(`query($s: String!, $u: String!) { service(sid: $s) { user(sid: $u) { bindings(bindingType: [FCM]) { totalCount } } } }`, {
      s: big.sid,
      u: user.sid,
    });
    expect(result.body.data.service.user.bindings.totalCount).toBe(await t.db.prisma.binding.count({ where: { userSid: user.sid, bindingType: 'fcm' } }));
    const services = await measure(`query { services(first: 5) { nodes { sid users { totalCount } bindings(bindingType: [APN]) { totalCount } } } }`, {});
    const nodes = services.result.body.data.services.nodes as Array<{ sid: string; users: { totalCount: number }; bindings: { totalCount: number } }>;
    expect(nodes.length).toBeGreaterThan(2);
    for (const node of nodes) {
      expect(node.bindings.totalCount).toBe(await sqlCount(node.sid, { bindingType: ['APN'] }));
      expect(node.users.totalCount).toBe(await t.db.prisma.user.count({ where: { serviceSid: node.sid } }));
    }
  });
});

describe('totalCount after deletes', () => {
  /** A service of account A that only this block deletes from. */
  let doomed: { sid: string; bindings: string[]; users: Array<{ sid: string; identity: string }> };

  beforeAll(async () => {
    const p = t.db.prisma;
    const sid = newSid('IS');
    await p.service.create({ data: { sid, accountSid: t.scenario.a.sid, friendlyName: 'Doomed' } });
    const users = Array.from({ length: 5 }, (_, u) => ({ sid: newSid('US'), serviceSid: sid, identity: `doomed-${u}@alpha.example` }));
    await p.user.createMany({ data: users });
    const credentials = await p.credential.findMany({ where: { accountSid: t.scenario.a.sid } });
    const types = ['apn', 'gcm', 'fcm'] as const;
    const rows = Array.from({ length: 60 }, (_, i) => {
      const user = users[i % users.length]!;
      const bindingType = types[i % 3]!;
      return {
        sid: newSid('BS'),
        accountSid: t.scenario.a.sid,
        serviceSid: sid,
        userSid: user.sid,
        identity: user.identity,
        endpoint: `doomed-${i}`,
        bindingType,
        credentialSid: i % 4 === 0 ? null : credentials.find((c) => c.type === bindingType)!.sid,
      };
    });
    await p.binding.createMany({ data: rows });
    doomed = { sid, bindings: rows.map((r) => r.sid).sort(), users };
  });

  const countFilters = (): Filter[] => [
    {},
    { bindingType: ['APN'] },
    { bindingType: ['GCM', 'FCM'] },
    { identity: [doomed.users[1]!.identity, doomed.users[3]!.identity] },
    { bindingType: ['FCM'], identity: [doomed.users[2]!.identity] },
  ];

  /** Every way of asking for the total equals count(*), for each filter; returns the unfiltered total. */
  async function expectCountsExact(): Promise<number> {
    for (const filter of countFilters()) {
      const sql = await sqlCount(doomed.sid, filter);
      const only = await both(COUNT_DOCS, { s: doomed.sid, ...filter });
      expect(only.folded.statements).toEqual(filter.identity ? ['bindings count(*)', 'services by sid'] : ['service + bindings count']);
      expect(only.data.service.bindings.totalCount, JSON.stringify(filter)).toBe(sql);
      const all = await both(ALL_BINDINGS_DOCS, { s: doomed.sid, first: 1000, ...filter });
      expect(all.data.service.bindings.totalCount, JSON.stringify(filter)).toBe(sql);
      expect(all.data.service.bindings.nodes.map((n: any) => n.sid)).toEqual((await expectedBindings(doomed.sid, filter)).map((b) => b.sid));
    }
    const services = await measure(
      `query { services(first: 1000) { nodes { sid bindings { totalCount } apn: bindings(bindingType: [APN]) { totalCount } } } }`,
      {},
    );
    const node = services.result.body.data.services.nodes.find((n: any) => n.sid === doomed.sid);
    expect(node.bindings.totalCount).toBe(await sqlCount(doomed.sid));
    expect(node.apn.totalCount).toBe(await sqlCount(doomed.sid, { bindingType: ['APN'] }));
    return sqlCount(doomed.sid);
  }

  const DELETE = `mutation($id: ID!) { deleteBinding(input: { id: $id }) { deletedBindingId } }`;
  const graphqlDelete = async (sid: string) => {
    const result = await t.graphql(DELETE, { id: sid });
    return result.body.errors ? (result.body.errors[0]!.extensions?.code as string) : 'deleted';
  };
  const restDelete = async (sid: string, byUser = false) => {
    const binding = await t.db.prisma.binding.findUnique({ where: { sid } });
    const path = byUser && binding ? `/v2/Services/${doomed.sid}/Users/${binding.userSid}/Bindings/${sid}` : `/v2/Services/${doomed.sid}/Bindings/${sid}`;
    const response = await t.fetch(path, { method: 'DELETE', headers: { authorization: t.scenario.a.authorization } });
    await response.text();
    return response.status === 204 ? 'deleted' : String(response.status);
  };

  it('equal count(*) before any delete', async () => {
    expect(await expectCountsExact()).toBe(60);
  });

  it('equal count(*) after deletes through the deleteBinding mutation', async () => {
    for (const sid of doomed.bindings.slice(0, 3)) expect(await graphqlDelete(sid)).toBe('deleted');
    expect(await graphqlDelete(doomed.bindings[0]!)).toBe('NOT_FOUND');
    expect(await expectCountsExact()).toBe(57);
  });

  it('equal count(*) after deletes through REST DELETE (service and user paths)', async () => {
    expect(await restDelete(doomed.bindings[3]!)).toBe('deleted');
    expect(await restDelete(doomed.bindings[4]!, true)).toBe('deleted');
    expect(await restDelete(doomed.bindings[3]!)).toBe('404');
    expect(await expectCountsExact()).toBe(55);
  });

  it('equal count(*) after concurrent deletes through both doors, read while they run', async () => {
    const before = await sqlCount(doomed.sid);
    const targets = doomed.bindings.slice(5, 15);
    const deletes = [
      ...targets.slice(0, 5).map((sid) => graphqlDelete(sid)),
      ...targets.slice(5).map((sid) => restDelete(sid)),
      // The same bindings again, racing: exactly one delete of each wins.
      graphqlDelete(targets[7]!),
      restDelete(targets[0]!),
    ];
    // Straight to the app: a second executor's read meanwhile would rightly see other counts.
    const reads = Array.from({ length: 6 }, () => postGraphQL(t.app, COUNT_DOCS.inline, { s: doomed.sid }, t.scenario.a.authorization));
    const [outcomes, answers] = await Promise.all([Promise.all(deletes), Promise.all(reads)]);
    expect(outcomes.filter((o) => o === 'deleted')).toHaveLength(10);
    const losers = outcomes.filter((o) => o !== 'deleted');
    expect(losers).toHaveLength(2);
    for (const loser of losers) expect(['404', 'NOT_FOUND']).toContain(loser);
    const after = await sqlCount(doomed.sid);
    expect(after).toBe(before - 10);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      const count = answer.body.data.service.bindings.totalCount;
      expect(count).toBeGreaterThanOrEqual(after);
      expect(count).toBeLessThanOrEqual(before);
    }
    expect(await expectCountsExact()).toBe(45);
  });

  it('equal count(*) after concurrent deletes of a whole type, then pages over the rest equal too', async () => {
    const gcm = (await expectedBindings(doomed.sid, { bindingType: ['GCM'] })).map((b) => b.sid);
    expect(gcm.length).toBeGreaterThan(5);
    const outcomes = await Promise.all(gcm.map((sid, i) => (i % 2 ? graphqlDelete(sid) : restDelete(sid))));
    expect(outcomes.every((o) => o === 'deleted')).toBe(true);
    await expectCountsExact();
    expect(await sqlCount(doomed.sid, { bindingType: ['GCM'] })).toBe(0);
    const { data } = await both(COUNT_DOCS, { s: doomed.sid, bindingType: ['GCM'] });
    expect(data.service.bindings.totalCount).toBe(0);
    const rest = (await expectedBindings(doomed.sid)).map((b) => b.sid);
    const fetch: FetchPage = async (args) => (await both(PAGE_BINDINGS_DOCS, { s: doomed.sid, ...args })).data.service.bindings;
    await expectForwardWalk(fetch, rest, 7);
    await expectBackwardWalk(fetch, rest, 7);
  });

  it('pages after a cursor whose row was deleted the same on both paths', async () => {
    const fetch = async (args: PageArgs) => (await both(PAGE_BINDINGS_DOCS, { s: doomed.sid, ...args })).data.service.bindings as Connection;
    const page = await fetch({ first: 4 });
    const [, second, , fourth] = page.edges;
    expect(await graphqlDelete(fourth!.node.sid)).toBe('deleted');
    expect(await restDelete(second!.node.sid)).toBe('deleted');
    const rest = (await expectedBindings(doomed.sid)).map((b) => b.sid);
    const after = await fetch({ first: 3, after: page.pageInfo.endCursor });
    expect(sidsOf(after)).toEqual(rest.slice(2, 5));
    expect(after.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const before = await fetch({ last: 3, before: second!.cursor });
    expect(sidsOf(before)).toEqual(rest.slice(0, 1));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    await expectCountsExact();
  });
});

describe('lazy cursors', () => {
  /** Signs a payload with the app's key, in the cursor format (to build cursors the app would never issue). */
  const signed = (payload: string) =>
    `${Buffer.from(payload).toString('base64url')}.${createHmac('sha256', key).update(payload).digest().subarray(0, 12).toString('base64url')}`;

  it('are the ones the straightforward path issues, for every edge and both page ends, and decode to their rows', async () => {
    const selection = `edges { cursor node { sid } } ${PAGE_INFO}`;
    for (const args of [{ first: 9 }, { last: 9 }, { first: 1 }]) {
      const { data } = await both(bindingsDocs(selection), { s: big.sid, ...args });
      const connection = data.service.bindings as Connection;
      for (const edge of connection.edges) expect(edge.cursor).toBe(codec.encode({ list: 'bindings', parent: big.sid }, { sid: edge.node.sid }));
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]!.cursor);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)!.cursor);
      expect(signed(`1|bindings|${big.sid}|${connection.edges[0]!.node.sid}`)).toBe(connection.edges[0]!.cursor);
    }
    // Only pageInfo selected (no edges): the same cursors.
    const ends = await both(bindingsDocs('pageInfo { startCursor endCursor }'), { s: big.sid, first: 9 });
    expect(ends.data.service.bindings.pageInfo).toEqual({
      startCursor: codec.encode({ list: 'bindings', parent: big.sid }, { sid: big.bindings[0]! }),
      endCursor: codec.encode({ list: 'bindings', parent: big.sid }, { sid: big.bindings[8]! }),
    });
    const users = await both(usersDocs(`edges { cursor node { sid } } ${PAGE_INFO}`), { s: big.sid, first: 3 });
    const connection = users.data.service.users as Connection;
    for (const edge of connection.edges) expect(edge.cursor).toBe(codec.encode({ list: 'users', parent: big.sid }, { sid: edge.node.sid }));
    expect(connection.pageInfo.endCursor).toBe(connection.edges[2]!.cursor);
  });

  it('are accepted as after and before by both paths, from any edge', async () => {
    const { data } = await both(PAGE_BINDINGS_DOCS, { s: big.sid, first: 20 });
    const edges = (data.service.bindings as Connection).edges;
    for (const i of [0, 7, 19]) {
      const after = await both(PAGE_BINDINGS_DOCS, { s: big.sid, first: 3, after: edges[i]!.cursor });
      expect(after.folded.statements).toEqual(FOLDED_PAGE);
      expect(sidsOf(after.data.service.bindings)).toEqual(big.bindings.slice(i + 1, i + 4));
      const before = await both(PAGE_BINDINGS_DOCS, { s: big.sid, last: 3, before: edges[i]!.cursor });
      expect(sidsOf(before.data.service.bindings)).toEqual(big.bindings.slice(Math.max(0, i - 3), i));
    }
  });

  /** The error both paths must give for a refused cursor. */
  async function expectRefused(cursor: string, docs: Docs = PAGE_BINDINGS_DOCS, list: 'bindings' | 'users' = 'bindings') {
    for (const args of [
      { first: 3, after: cursor },
      { last: 3, before: cursor },
    ]) {
      const { errors, data } = await both(docs, { s: big.sid, ...args });
      const as = 'after' in args ? 'after' : 'before';
      expect(errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code }))).toEqual([
        { message: `${as} is not a valid cursor for this list`, path: ['service', list], code: 'BAD_USER_INPUT' },
      ]);
      expect(data).toEqual({ service: null });
    }
  }

  it('refuses a cursor with extra trailing base64 bits (same bytes, other text)', async () => {
    const cursor = codec.encode({ list: 'bindings', parent: big.sid }, { sid: big.bindings[5]! });
    const [payload, mac] = cursor.split('.') as [string, string];
    // 80 payload bytes: the last of 107 base64 digits carries 2 unused bits.
    expect(Buffer.from(payload, 'base64url').length % 3).toBe(2);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(payload.at(-1)!);
    expect(last & 3).toBe(0);
    for (const bits of [1, 2, 3]) {
      const stray = `${payload.slice(0, -1)}${alphabet[last | bits]}`;
      expect(Buffer.from(stray, 'base64url')).toEqual(Buffer.from(payload, 'base64url'));
      await expectRefused(`${stray}.${mac}`);
    }
    // Users cursors too (77 bytes: 2 unused bits as well).
    const user = (await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: big.sid }, orderBy: { sid: 'asc' } })).sid;
    const userCursor = codec.encode({ list: 'users', parent: big.sid }, { sid: user });
    const [uPayload, uMac] = userCursor.split('.') as [string, string];
    const uLast = alphabet.indexOf(uPayload.at(-1)!);
    expect(uLast & 3).toBe(0);
    const uStray = `${uPayload.slice(0, -1)}${alphabet[uLast | 1]}`;
    expect(Buffer.from(uStray, 'base64url')).toEqual(Buffer.from(uPayload, 'base64url'));
    await expectRefused(`${uStray}.${uMac}`, usersDocs(`edges { cursor }`), 'users');
    // The control: the cursor as issued pages.
    const ok = await both(usersDocs('nodes { sid }'), { s: big.sid, first: 1, after: userCursor });
    expect(ok.data.service.users.nodes).toHaveLength(1);
  });

  it('refuses a cursor re-encoded with standard base64 (padded, or only with + and /)', async () => {
    // Find issued cursors whose text holds - or _, so re-encoding changes it.
    const { data } = await both(PAGE_BINDINGS_DOCS, { s: big.sid, first: 100 });
    const cursors = (data.service.bindings as Connection).edges.map((e) => e.cursor);
    const withUrlDigits = cursors.filter((c) => /[-_]/.test(c));
    expect(withUrlDigits.length).toBeGreaterThan(0);
    const standard = (part: string) => Buffer.from(part, 'base64url').toString('base64');
    for (const cursor of withUrlDigits.slice(0, 3)) {
      const [payload, mac] = cursor.split('.') as [string, string];
      await expectRefused(`${standard(payload)}.${standard(mac)}`);
      await expectRefused(`${standard(payload).replace(/=+$/, '')}.${standard(mac)}`);
      await expectRefused(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    }
    // A cursor without - or _ only differs by its padding.
    const plain = cursors.find((c) => !/[-_]/.test(c));
    if (plain) await expectRefused(`${standard(plain.split('.')[0]!)}.${plain.split('.')[1]}`);
  });

  it('refuses validly signed payloads the app would never issue', async () => {
    const sid = big.bindings[5]!;
    // The control: the one it does issue.
    expect(signed(`1|bindings|${big.sid}|${sid}`)).toBe(codec.encode({ list: 'bindings', parent: big.sid }, { sid: sid }));
    for (const payload of [
      `2|bindings|${big.sid}|${sid}`,
      `1|bindings|${big.sid}|${sid}|extra`,
      `1|bindings|${big.sid}|`,
      `1|bindings|${big.sid}`,
      `1|binding|${big.sid}|${sid}`,
      `1|bindings|${big.sid.toUpperCase()}|${sid}`,
      `1|bindings|${big.sid} |${sid}`,
      ` 1|bindings|${big.sid}|${sid}`,
    ]) {
      await expectRefused(signed(payload));
    }
  });

  it('accepts a validly signed cursor for a row that does not exist, paging from its place on both paths', async () => {
    // Keyset paging: a cursor names a place in sid order, not a row (rows get deleted).
    const between = `BS${'8'.repeat(32)}`;
    const cursor = codec.encode({ list: 'bindings', parent: big.sid }, { sid: between });
    const { data } = await both(PAGE_BINDINGS_DOCS, { s: big.sid, first: 3, after: cursor });
    expect(sidsOf(data.service.bindings)).toEqual(big.bindings.filter((s) => s > between).slice(0, 3));
  });
});
