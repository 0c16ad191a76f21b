/**
 * HTTP Basic authentication (AccountSid:AuthToken) in front of every GraphQL
 * operation, the GraphiQL page, and the x-request-id response header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';

const WhoAmI = graphql(`
  query AuthWhoAmI { account { sid } }
`);

let t: TestApp;
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  t = await startTestApp({ seed: 'auth' });
});

afterAll(async () => {
  await t?.close();
});

async function expectUnauthenticated(authorization: string | null) {
  const result = await t.run(WhoAmI, {}, authorization);
  expect(result.status).toBe(401);
  expect(result.headers.get('www-authenticate')).toMatch(/^Basic\b/);
  expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  expect(result.body.data ?? null).toBeNull();
  // Never a hint about which half was wrong.
  expect(result.body.errors![0]!.message).toBe('Authentication required: HTTP Basic with AccountSid:AuthToken');
}

describe('valid credentials', () => {
  it('authenticate as the account they name, for each account', async () => {
    for (const account of [t.scenario.a, t.scenario.b]) {
      const result = await t.run(WhoAmI, {}, account.authorization);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: { account: { sid: account.sid } } });
    }
  });

  it('are accepted with the scheme in any case', async () => {
    const { a } = t.scenario;
    const result = await t.run(WhoAmI, {}, `basic ${Buffer.from(`${a.sid}:${a.authToken}`).toString('base64')}`);
    expect(result.body.data?.account.sid).toBe(a.sid);
  });
});

describe('no or bad credentials: 401 with WWW-Authenticate and UNAUTHENTICATED', () => {
  it('without an Authorization header', async () => {
    await expectUnauthenticated(null);
  });

  it.each<[string, (s: TestApp['scenario']) => string]>([
    ['a wrong token', (s) => basic(`${s.a.sid}:${'0'.repeat(32)}`)],
    ["another account's token", (s) => basic(`${s.a.sid}:${s.b.authToken}`)],
    ['the token with a character changed', (s) => basic(`${s.a.sid}:${s.a.authToken.slice(0, -1)}${s.a.authToken.endsWith('0') ? '1' : '0'}`)],
    ['the token with a suffix', (s) => basic(`${s.a.sid}:${s.a.authToken}x`)],
    ['an empty token', (s) => basic(`${s.a.sid}:`)],
    ['an unknown account', (s) => basic(`AC${'0'.repeat(32)}:${s.a.authToken}`)],
    ['a username that is not an account sid', (s) => basic(`${s.a.services[0]!.sid}:${s.a.authToken}`)],
    ['an upper-case account sid', (s) => basic(`${s.a.sid.toUpperCase()}:${s.a.authToken}`)],
    ['another scheme', (s) => `Bearer ${s.a.authToken}`],
    ['the credentials without a scheme', (s) => Buffer.from(`${s.a.sid}:${s.a.authToken}`).toString('base64')],
    ['Basic with nothing after it', () => 'Basic'],
    ['Basic with a blank value', () => 'Basic    '],
    ['bad base64', () => 'Basic !!!not*base64!!!'],
    ['base64 without a colon', (s) => basic(`${s.a.sid}${s.a.authToken}`)],
    ['two values', (s) => `${s.a.authorization} ${s.a.authorization}`],
    ['a huge token', (s) => basic(`${s.a.sid}:${'a'.repeat(300)}`)],
  ])('with %s', async (_label, make) => {
    await expectUnauthenticated(make(t.scenario));
  });

  it('also for GET requests', async () => {
    const response = await t.fetch(`/graphql?query=${encodeURIComponent('{ account { sid } }')}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic\b/);
    const body = (await response.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(body.data ?? null).toBeNull();
  });

  it('also for mutations, which then change nothing', async () => {
    const sid = t.scenario.a.services[1]!.bindings[0]!;
    const result = await t.graphql(`mutation { deleteBinding(input: { id: "${sid}" }) { deletedBindingId } }`, {}, basic(`${t.scenario.a.sid}:wrong`));
    expect(result.status).toBe(401);
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
  });

  it('without touching the database when the header cannot be credentials', async () => {
    t.queries.length = 0;
    await expectUnauthenticated('Bearer abc');
    await expectUnauthenticated(null);
    expect(t.queries).toEqual([]);
  });
});

describe('GraphiQL', () => {
  it('is served to a browser (accept: text/html) without credentials', async () => {
    const response = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<title>Bindings gateway</title>');
    expect(html.toLowerCase()).toContain('graphiql');
  });
});

describe('x-request-id', () => {
  it('is on every GraphQL response: success, 401, and errors', async () => {
    const ok = await t.run(WhoAmI);
    const unauthenticated = await t.run(WhoAmI, {}, null);
    const invalid = await t.graphql('{ nope }');
    const ids = [ok, unauthenticated, invalid].map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a sane incoming X-Request-Id and replaces one that is not', async () => {
    const send = (id: string) =>
      t.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: t.scenario.a.authorization, 'x-request-id': id },
        body: JSON.stringify({ query: '{ account { sid } }' }),
      });
    expect((await send('trace-123.abc_DEF')).headers.get('x-request-id')).toBe('trace-123.abc_DEF');
    for (const bad of ['has spaces in it', 'a'.repeat(65), 'semi;colon', '<script>']) {
      const id = (await send(bad)).headers.get('x-request-id');
      expect(id).toMatch(UUID);
    }
  });

  // KNOWN BUG (reported): yoga's GraphiQL plugin answers in onRequest before
  // requestIdPlugin's onRequest has assigned an id, so onResponse finds none.
  it('is on the GraphiQL page too', async () => {
    const response = await t.fetch('/graphql', { headers: { accept: 'text/html', 'x-request-id': 'from-the-browser' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('from-the-browser');
  });
});
