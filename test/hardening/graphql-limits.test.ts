/**
 * GraphQL document limits (depth, aliases, tokens, directives, cost), batching
 * and the introspection switch. Abusive documents are refused with a clean
 * GraphQL error naming the limit and its value, and no SQL runs for them
 * (the gate's credential check included: every app here has verified the
 * caller's credential before, and it is cached).
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../../src/graphql/http/graphiql.js';
import { MAX_DIRECTIVES } from '../../src/graphql/http/limits.js';
import { DEFAULT_LIMITS } from '../../src/platform/config.js';
import { type GraphQLResult, startTestApp, type TestApp, warmCredentialCache } from '../helpers/app.js';

let t: TestApp;
/** The same data with small limits: depth 5, aliases 2, tokens 100, cost 101. */
let tight: TestApp;
let noIntrospection: TestApp;

beforeAll(async () => {
  [t, tight, noIntrospection] = await Promise.all([
    startTestApp({ seed: 'limits' }),
    startTestApp({
      seed: 'limits-tight',
      app: { limits: { graphqlMaxDepth: 5, graphqlMaxAliases: 2, graphqlMaxTokens: 100, graphqlMaxCost: 101 } },
    }),
    startTestApp({ seed: 'limits-introspection', app: { limits: { graphqlIntrospection: false } } }),
  ]);
  await Promise.all([t, tight, noIntrospection].map((app) => warmCredentialCache(app)));
});

afterAll(async () => {
  await Promise.all([t?.close(), tight?.close(), noIntrospection?.close()]);
});

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** POSTs a document as a GraphQL-over-HTTP client (400 for refused documents) or an application/json one (200). */
async function post(app: TestApp, query: string, variables: Record<string, unknown> = {}, accept = GRAPHQL_RESPONSE, extra: object = {}) {
  app.queries.length = 0;
  const response = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: app.scenario.a.authorization },
    body: JSON.stringify({ query, variables, ...extra }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult<any>['body'] };
}

/** Refused before execution: one error with this code and message, no data, and only the credential check ran. */
function expectRefused(app: TestApp, result: Awaited<ReturnType<typeof post>>, code: string, message: string | RegExp) {
  expect(result.status, JSON.stringify(result.body)).toBe(400);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors![0]!.extensions?.code).toBe(code);
  if (typeof message === 'string') expect(result.body.errors![0]!.message).toBe(message);
  else expect(result.body.errors![0]!.message).toMatch(message);
  expectNoStatement(app);
}

function expectNoStatement(app: TestApp) {
  expect(app.queries, app.queries.join('\n')).toEqual([]);
}

async function expectData(app: TestApp, query: string, variables: Record<string, unknown> = {}) {
  const result = await post(app, query, variables);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
  return result.body.data;
}

/** services → nodes → bindings → nodes → user → bindings → …, `depth` fields deep (depth ≥ 3). */
function nested(depth: number): string {
  const levels = ['bindings(first: 1)', 'nodes', 'user'];
  let open = 'services(first: 1) { nodes {';
  let close = '} }';
  let leaf = 'sid';
  for (let i = 0; i < depth - 3; i++) {
    open += ` ${levels[i % 3]} {`;
    close += ' }';
    leaf = i % 3 === 0 ? 'totalCount' : 'sid';
  }
  return `{ ${open} ${leaf} ${close} }`;
}

describe('the defaults', () => {
  it('are the documented values', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      graphqlMaxDepth: 12,
      graphqlMaxAliases: 30,
      graphqlMaxTokens: 2_000,
      graphqlMaxCost: 50_000,
      graphqlIntrospection: true,
    });
  });

  it("allow the README's examples, GraphiQL's default query and the N+1 suite's query", async () => {
    const service = t.scenario.a.services[0]!.sid;
    await expectData(
      t,
      `query { service(sid: "${service}") { friendlyName bindings(first: 2, bindingType: [APN, FCM]) { totalCount
         pageInfo { hasNextPage endCursor } edges { node { sid identity bindingType endpoint messageTypes credential { friendlyName } } } } } }`,
    );
    await expectData(t, '{ services(first: 10) { nodes { sid friendlyName bindings { totalCount } } } }');
    await expectData(t, DEFAULT_QUERY);
    const nPlusOne = `query ($services: Int!, $bindings: Int!) { services(first: $services) { edges { node { sid
      bindings(first: $bindings) { edges { node { sid user { identity } credential { type } } } } } } } }`;
    const data = await expectData(t, nPlusOne, { services: 20, bindings: 50 });
    expect(data.services.edges.length).toBeGreaterThan(0);
    // The README's deletion example, on a binding that does not exist: refused by the resolver, not a limit.
    const deletion = await post(
      t,
      `mutation { deleteBinding(input: { id: "BS${'0'.repeat(32)}", clientMutationId: "cleanup-1" }) {
         deletedBindingId clientMutationId binding { identity endpoint bindingType } service { sid } } }`,
    );
    expect(deletion.body.errors!.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it("allow GraphiQL's introspection query (its depth is not counted)", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      inputValueDeprecation: true,
      schemaDescription: true,
    });
    const data = await expectData(t, query);
    expect(data.__schema.queryType.name).toBe('Query');
  });

  it('allow one connection page of the maximum size with every binding field', async () => {
    const service = t.scenario.a.services[0]!.sid;
    await expectData(
      t,
      `{ service(sid: "${service}") { bindings(first: 1000) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
         id sid accountSid serviceSid dateCreated dateUpdated endpoint identity userSid credentialSid bindingType messageTypes
         user { sid identity } credential { sid type } service { sid } } } } } }`,
    );
  });
});

describe('depth', () => {
  it(`is refused past ${DEFAULT_LIMITS.graphqlMaxDepth} levels by default`, async () => {
    await expectData(t, nested(12));
    expectRefused(t, await post(t, nested(13)), 'GRAPHQL_VALIDATION_FAILED', 'Query depth limit of 12 exceeded, found 13.');
    expectRefused(t, await post(t, nested(100)), 'GRAPHQL_VALIDATION_FAILED', 'Query depth limit of 12 exceeded, found 100.');
  });

  it('follows the configured value exactly, counting fields and not fragments', async () => {
    await expectData(tight, nested(5));
    await expectData(
      tight,
      '{ services(first: 1) { ...S } } fragment S on QueryServicesConnection { nodes { ... on Service { bindings(first: 1) { nodes { sid } } } } }',
    );
    expectRefused(tight, await post(tight, nested(6)), 'GRAPHQL_VALIDATION_FAILED', 'Query depth limit of 5 exceeded, found 6.');
    expectRefused(
      tight,
      await post(tight, '{ ...Q } fragment Q on Query { services(first: 1) { nodes { users(first: 1) { nodes { bindings(first: 1) { totalCount } } } } } }'),
      'GRAPHQL_VALIDATION_FAILED',
      'Query depth limit of 5 exceeded, found 6.',
    );
  });

  it('is 200 with the same error for application/json clients', async () => {
    const result = await post(tight, nested(6), {}, 'application/json');
    expect(result.status).toBe(200);
    expect(result.body.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['GRAPHQL_VALIDATION_FAILED', 'Query depth limit of 5 exceeded, found 6.'],
    ]);
    expectNoStatement(tight);
  });
});

describe('aliases', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: account { sid }`).join(' ')} }`;

  it('1,000 aliases are refused by default (30)', async () => {
    // 1,000 aliases also exceed the token limit; this one is about aliases alone.
    const manyAliases = await post(t, `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: account { sid }`).join(' ')} }`);
    expectRefused(t, manyAliases, 'GRAPHQL_VALIDATION_FAILED', 'Aliases limit of 30 exceeded, found 31.');
    expect((await post(t, aliases(1000))).status).toBe(400);
    expectNoStatement(t);
    await expectData(t, aliases(30));
  });

  it('follows the configured value exactly, counting aliases inside fragments', async () => {
    await expectData(tight, '{ a: account { sid } b: account { sid } }');
    expectRefused(
      tight,
      await post(tight, '{ a: account { sid } b: account { sid } c: account { sid } }'),
      'GRAPHQL_VALIDATION_FAILED',
      'Aliases limit of 2 exceeded, found 3.',
    );
    expectRefused(
      tight,
      await post(tight, '{ a: account { ...A } } fragment A on Account { b: sid c: sid }'),
      'GRAPHQL_VALIDATION_FAILED',
      'Aliases limit of 2 exceeded, found 3.',
    );
  });
});

describe('tokens', () => {
  // `{ account { } }` is 5 tokens, each `sid` one more.
  const tokens = (n: number) => `{ account { ${'sid '.repeat(n - 5)}} }`;

  it('a document with more tokens than the limit is refused while it is parsed', async () => {
    await expectData(tight, tokens(100));
    expectRefused(tight, await post(tight, tokens(101)), 'GRAPHQL_PARSE_FAILED', 'Syntax Error: Token limit of 100 exceeded.');
    expectRefused(t, await post(t, tokens(2_001)), 'GRAPHQL_PARSE_FAILED', 'Syntax Error: Token limit of 2000 exceeded.');
  });
});

describe('directives', () => {
  const directives = (n: number) => `{ account { ${'sid @include(if: true) '.repeat(n)}} }`;

  it(`at most ${MAX_DIRECTIVES} per document`, async () => {
    await expectData(t, directives(MAX_DIRECTIVES));
    expectRefused(
      t,
      await post(t, directives(MAX_DIRECTIVES + 1)),
      'GRAPHQL_VALIDATION_FAILED',
      `Directives limit of ${MAX_DIRECTIVES} exceeded, found ${MAX_DIRECTIVES + 1}.`,
    );
  });
});

describe('cost', () => {
  // `services(first: N) { nodes { sid } }` costs 1 + N × 2 (nodes and sid per item).
  it('counts first, last, and the default page of 50 when neither is given', async () => {
    await expectData(tight, '{ services(first: 50) { nodes { sid } } }'); // 101
    await expectData(tight, '{ services(last: 50) { nodes { sid } } }');
    await expectData(tight, '{ services { nodes { sid } } }');
    expectRefused(
      tight,
      await post(tight, '{ services(first: 51) { nodes { sid } } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 103 exceeds the maximum cost of 101',
    );
    expectRefused(
      tight,
      await post(tight, '{ services(last: 51) { nodes { sid } } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 103 exceeds the maximum cost of 101',
    );
    // Nested without first: 50 bindings under the one service.
    expectRefused(
      tight,
      await post(tight, '{ services(first: 1) { nodes { bindings { nodes { sid } } } } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 103 exceeds the maximum cost of 101',
    );
  });

  it('reports the limit and the cost in extensions', async () => {
    const result = await post(tight, '{ services(first: 51) { nodes { sid } } }');
    expect(result.body.errors![0]!.extensions).toEqual({ code: 'COST_LIMIT_EXCEEDED', cost: { max: 101, actual: 103 } });
  });

  it('refuses a huge first on nested connections by default', async () => {
    expectRefused(
      t,
      await post(t, '{ services(first: 1000) { nodes { users(first: 1000) { nodes { bindings(first: 1000) { nodes { sid } } } } } } }'),
      'COST_LIMIT_EXCEEDED',
      /^Query cost of \d+ exceeds the maximum cost of 50000$/,
    );
    // Three levels of the default page are 125,000 bindings.
    expectRefused(
      t,
      await post(t, '{ services { nodes { users { nodes { bindings { nodes { sid } } } } } } }'),
      'COST_LIMIT_EXCEEDED',
      /maximum cost of 50000$/,
    );
    // N+1-suite shape with the largest pages: 20,000 bindings with their relations.
    expectRefused(
      t,
      await post(
        t,
        '{ services(first: 20) { edges { node { sid bindings(first: 1000) { edges { node { sid user { identity } credential { type } } } } } } } }',
      ),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 140081 exceeds the maximum cost of 50000',
    );
  });

  it('counts a page larger than the maximum as the maximum (the resolver then refuses it)', async () => {
    expectRefused(
      tight,
      await post(tight, '{ services(first: 5000) { totalCount } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 1001 exceeds the maximum cost of 101',
    );
    const result = await post(t, '{ services(first: 5000) { totalCount } }');
    expect(result.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('prices page sizes given as variables, every time (no cached verdict for the same document)', async () => {
    const query = 'query ($n: Int) { services(first: $n) { nodes { sid } } }';
    await expectData(tight, query, { n: 50 });
    expectRefused(tight, await post(tight, query, { n: 51 }), 'COST_LIMIT_EXCEEDED', 'Query cost of 103 exceeds the maximum cost of 101');
    await expectData(tight, query, { n: 2 });
    expectRefused(tight, await post(tight, query, { n: 1000 }), 'COST_LIMIT_EXCEEDED', 'Query cost of 2001 exceeds the maximum cost of 101');
    // A variable's default value counts too.
    expectRefused(
      tight,
      await post(tight, 'query ($n: Int = 60) { services(first: $n) { nodes { sid } } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 121 exceeds the maximum cost of 101',
    );
  });

  it('prices the operation that runs, not the first one of the document', async () => {
    const document = 'query Cheap { account { sid } } query Costly { services(first: 1000) { nodes { sid } } }';
    const costly = await post(tight, document, {}, GRAPHQL_RESPONSE, { operationName: 'Costly' });
    expectRefused(tight, costly, 'COST_LIMIT_EXCEEDED', 'Query cost of 2001 exceeds the maximum cost of 101');
    const cheap = await post(tight, document, {}, GRAPHQL_RESPONSE, { operationName: 'Cheap' });
    expect(cheap.body).toEqual({ data: { account: { sid: tight.scenario.a.sid } } });
  });

  it('counts fragments and nodes(ids) by the number of ids', async () => {
    expectRefused(
      tight,
      await post(tight, '{ services(first: 40) { ...N } } fragment N on QueryServicesConnection { nodes { sid friendlyName } }'),
      'COST_LIMIT_EXCEEDED',
      'Query cost of 121 exceeds the maximum cost of 101',
    );
    // 1 + ids × 2 (id and __typename).
    const ids = Array.from({ length: 51 }, () => tight.scenario.a.services[0]!.sid);
    const query = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }';
    expectRefused(tight, await post(tight, query, { ids }), 'COST_LIMIT_EXCEEDED', 'Query cost of 103 exceeds the maximum cost of 101');
    await expectData(tight, query, { ids: ids.slice(0, 50) });
  });

  it('prices mutations too, before anything is deleted', async () => {
    const sid = tight.scenario.a.services[0]!.bindings[0]!;
    const result = await post(tight, `mutation { deleteBinding(input: { id: "${sid}" }) { service { bindings(first: 1000) { nodes { sid } } } } }`);
    expectRefused(tight, result, 'COST_LIMIT_EXCEEDED', /^Query cost of \d+ exceeds the maximum cost of 101$/);
    expect(await tight.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
  });

  it('leaves bad arguments to execution, which reports them with their path', async () => {
    const result = await post(t, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['not-a-sid'] });
    expect(result.body.errors!.map((e) => [e.extensions?.code, e.path])).toEqual([['BAD_USER_INPUT', ['nodes']]]);
  });
});

describe('batching', () => {
  it('is off: an array of operations is refused cleanly, nothing executes', async () => {
    t.queries.length = 0;
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: t.scenario.a.authorization },
      body: JSON.stringify([{ query: '{ account { sid } }' }, { query: '{ services { totalCount } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }] });
    expectNoStatement(t);
  });
});

describe('introspection', () => {
  it('is on by default', async () => {
    expect(await expectData(t, '{ __type(name: "Binding") { name } }')).toEqual({ __type: { name: 'Binding' } });
  });

  it('cannot be nested into a huge answer, although the depth limit leaves __schema out', async () => {
    // graphql-js's MaxIntrospectionDepthRule: at most 3 nested fields/interfaces/possibleTypes lists.
    const cycle = '{ __schema { types { fields { type { ofType { fields { type { ofType { fields { name } } } } } } } } } }';
    expectRefused(t, await post(t, cycle), 'GRAPHQL_VALIDATION_FAILED', 'Maximum introspection depth exceeded');
    const viaType = '{ __type(name: "Service") { fields { type { fields { type { fields { type { name } } } } } } } }';
    expectRefused(t, await post(t, viaType), 'GRAPHQL_VALIDATION_FAILED', 'Maximum introspection depth exceeded');
  });

  it('can be turned off: __schema and __type are refused, ordinary queries and __typename still work', async () => {
    const full = await post(noIntrospection, getIntrospectionQuery());
    expect(full.status).toBe(400);
    expect(full.body.data).toBeUndefined();
    expect(new Set(full.body.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expectNoStatement(noIntrospection);
    expectRefused(noIntrospection, await post(noIntrospection, '{ __schema { description } }'), 'GRAPHQL_VALIDATION_FAILED', /introspection has been disabled/);
    expectRefused(
      noIntrospection,
      await post(noIntrospection, '{ __type(name: "Binding") { name } }'),
      'GRAPHQL_VALIDATION_FAILED',
      /introspection has been disabled/,
    );
    expect(await expectData(noIntrospection, '{ __typename account { __typename sid } }')).toEqual({
      __typename: 'Query',
      account: { __typename: 'Account', sid: noIntrospection.scenario.a.sid },
    });
  });

  it('when off, error messages do not suggest field names either', async () => {
    const off = await post(noIntrospection, '{ acount { sid } }');
    expect(off.body.errors!.map((e) => e.message)).toEqual(['Cannot query field "acount" on type "Query".']);
    const on = await post(t, '{ acount { sid } }');
    expect(on.body.errors!.map((e) => e.message)).toEqual(['Cannot query field "acount" on type "Query". Did you mean "account"?']);
  });

  it('when off, the GraphiQL page is still served', async () => {
    const response = await noIntrospection.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Bindings gateway</title>');
  });
});
