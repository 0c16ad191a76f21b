/**
 * Error shapes: invalid GraphQL is refused before execution (400 under the
 * GraphQL-over-HTTP media type), unexpected failures are masked as
 * "Unexpected error." / INTERNAL_SERVER_ERROR, and no body carries a stack trace
 * or SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAVAILABLE_MESSAGE } from '../../src/db/unavailable.js';
import { graphql } from '../gql/index.js';
import { type GraphQLResult, startTestApp, type TestApp } from '../helpers/app.js';

const CredentialAndService = graphql(`
  query ErrorsCredentialAndService($credential: ID!, $service: String!) {
    credential: node(id: $credential) { __typename id }
    service(sid: $service) { sid }
  }
`);

let t: TestApp;
let closed = false;

beforeAll(async () => {
  t = await startTestApp({ seed: 'errors' });
});

afterAll(async () => {
  if (!closed) await t?.close();
});

type Body = { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function post(query: unknown, accept: string, extra: Record<string, unknown> = {}) {
  const response = await t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: t.scenario.a.authorization },
    body: JSON.stringify({ query, ...extra }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Body };
}

/** Nothing in a response body that only the server should know. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+:\d+:\d+/); // stack frames
  expect(text).not.toMatch(/"stack"|node_modules|\/src\/|\.ts\b/);
  expect(text).not.toMatch(/\b(SELECT|FROM|relation|prisma)\b/i);
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('invalid GraphQL', () => {
  it.each([
    ['a syntax error', '{ account { sid }', 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', '{ account { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown argument', '{ services(take: 3) { totalCount } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a missing required argument', '{ service { sid } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a bad enum value', '{ services { nodes { bindings(bindingType: [SMS]) { totalCount } } } }', 'GRAPHQL_VALIDATION_FAILED'],
  ])('is 400 for %s, without data or internals', async (_label, query, code) => {
    const { status, body, text } = await post(query, GRAPHQL_RESPONSE);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors!.map((e) => e.extensions?.code)).toEqual([code]);
    expectNoInternals(text);
  });

  it('is refused the same way for application/json clients (with 200, as GraphQL over HTTP prescribes for that type)', async () => {
    for (const query of ['{ account { sid }', '{ account { nope } }']) {
      const { status, body, text } = await post(query, 'application/json');
      expect(status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expectNoInternals(text);
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['no query', {}],
    ['a query that is not a string', { query: 5 }],
    ['variables that are not an object', { query: '{ account { sid } }', variables: 'x' }],
    ['a variable of the wrong type', { query: 'query($n: Int) { services(first: $n) { totalCount } }', variables: { n: 'ten' } }],
  ])('is 400 for a request with %s, without data or internals', async (_label, request) => {
    const { query, ...extra } = request;
    const { status, body, text } = await post(query, GRAPHQL_RESPONSE, extra);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expectNoInternals(text);
  });

  it('is 400 for a body that is not JSON', async () => {
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: t.scenario.a.authorization },
      body: '{"query": "{ account { sid } }"',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect((JSON.parse(text) as Body).errors!.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
    expectNoInternals(text);
  });

  it('reports domain errors with their own message and code', async () => {
    const result = await t.graphql('{ node(id: "nope") { id } }');
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('is not a valid ID'), extensions: { code: 'BAD_USER_INPUT', argument: 'id' } }),
    ]);
  });
});

describe('unexpected failures', () => {
  it('are masked as "Unexpected error." with INTERNAL_SERVER_ERROR, while the rest of the request still answers', async () => {
    const credential = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid } })).sid;
    const service = t.scenario.a.services[0]!.sid;
    // Break one table under the running app, deterministically, then mend it.
    await t.db.withSession((s) => s.exec('ALTER TABLE credentials RENAME TO credentials_gone'));
    let result: GraphQLResult<unknown>;
    try {
      result = await t.run(CredentialAndService, { credential, service });
    } finally {
      await t.db.withSession((s) => s.exec('ALTER TABLE credentials_gone RENAME TO credentials'));
    }
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      { message: 'Unexpected error.', locations: expect.any(Array), path: ['credential'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(result.body.data).toEqual({ credential: null, service: { sid: service } });
    expectNoInternals(JSON.stringify(result.body));

    // Mended: the same request works again.
    expect(await t.data(CredentialAndService, { credential, service })).toEqual({
      credential: { __typename: 'Credential', id: credential },
      service: { sid: service },
    });
  });

  // Last in this file: it closes the database.
  it('answer 503 SERVICE_UNAVAILABLE with Retry-After when the database is gone, before any resolver runs', async () => {
    await t.close();
    closed = true;
    const result = await t.run(CredentialAndService, { credential: `CR${'0'.repeat(32)}`, service: t.scenario.a.services[0]!.sid });
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    expect(result.headers.get('retry-after')).toBe('2');
    expect(result.headers.get('x-request-id')).toBeTruthy();
  });
});
