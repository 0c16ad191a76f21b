/**
 * CSRF: a request a browser would send cross-site without a CORS preflight (a
 * GET, or a form or text/plain POST) must carry the x-graphql-yoga-csrf header,
 * which a cross-site page cannot add without one; JSON POSTs (our clients,
 * GraphiQL, curl) need nothing more. And no CORS: no origin is granted access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/graphql/http/plugins.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seed: 'csrf' });
});

afterAll(async () => {
  await t?.close();
});

const QUERY = '{ account { sid } }';

async function send(init: RequestInit & { path?: string }) {
  t.queries.length = 0;
  const response = await t.fetch(init.path ?? '/graphql', {
    ...init,
    headers: { accept: 'application/json', authorization: t.scenario.a.authorization, ...(init.headers as Record<string, string>) },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> } };
}

function expectRefused(result: Awaited<ReturnType<typeof send>>) {
  expect(result.status).toBe(403);
  expect(result.body).toEqual({
    errors: [{ message: `Only JSON POST requests may leave out the ${CSRF_HEADER} header (CSRF protection)`, extensions: { code: 'CSRF_HEADER_REQUIRED' } }],
  });
  // Refused before parsing: nothing but the gate's credential check touched the database.
  expect(t.queries.filter((q) => !/"accounts"/.test(q))).toEqual([]);
}

const form = () => {
  const data = new FormData();
  data.set('operations', JSON.stringify({ query: QUERY }));
  data.set('map', '{}');
  return data;
};

describe('without the CSRF header', () => {
  it('a GET query is refused with 403', async () => {
    expectRefused(await send({ path: `/graphql?query=${encodeURIComponent(QUERY)}` }));
  });

  it.each<[string, () => RequestInit]>([
    ['application/x-www-form-urlencoded', () => ({ body: new URLSearchParams({ query: QUERY }) })],
    ['multipart/form-data', () => ({ body: form() })],
    ['text/plain', () => ({ headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) })],
    ['no content type', () => ({ body: new Blob([JSON.stringify({ query: QUERY })]) })],
  ])('a POST with %s is refused with 403', async (_label, make) => {
    const init = make();
    expectRefused(await send({ method: 'POST', ...init }));
  });

  it('a JSON POST works', async () => {
    const result = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { account: { sid: t.scenario.a.sid } } });
  });

  it('a GET declaring content-type: application/json passes too (a browser must preflight that)', async () => {
    const result = await send({ path: `/graphql?query=${encodeURIComponent(QUERY)}`, headers: { 'content-type': 'application/json' } });
    expect(result.status).toBe(200);
  });

  it('a JSON POST with a charset works', async () => {
    const result = await send({ method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ query: QUERY }) });
    expect(result.body).toEqual({ data: { account: { sid: t.scenario.a.sid } } });
  });
});

describe('with the CSRF header', () => {
  it('a GET query works', async () => {
    const result = await send({ path: `/graphql?query=${encodeURIComponent(QUERY)}`, headers: { [CSRF_HEADER]: '1' } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { account: { sid: t.scenario.a.sid } } });
  });

  it('a form POST works (the header is all that differs)', async () => {
    const result = await send({ method: 'POST', headers: { [CSRF_HEADER]: '1' }, body: new URLSearchParams({ query: QUERY }) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { account: { sid: t.scenario.a.sid } } });
  });

  it('a body of a type yoga cannot read gets 415 with a GraphQL error saying what to send', async () => {
    const result = await send({ method: 'POST', headers: { [CSRF_HEADER]: '1', 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) });
    expect(result.status).toBe(415);
    expect(result.body).toEqual({
      errors: [{ message: 'Unsupported content type "text/plain": send application/json', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
    });
  });

  it('a mutation over GET is still refused (405)', async () => {
    const sid = t.scenario.a.services[0]!.bindings[0]!;
    const mutation = `mutation { deleteBinding(input: { id: "${sid}" }) { deletedBindingId } }`;
    const result = await send({ path: `/graphql?query=${encodeURIComponent(mutation)}`, headers: { [CSRF_HEADER]: '1' } });
    expect(result.status).toBe(405);
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
  });
});

describe('GraphiQL', () => {
  it('is served without the header, and sends it with every request it makes', async () => {
    const response = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    // <script type=application/json id=graphiql-options>{…, "additionalHeaders": {"x-graphql-yoga-csrf": "graphiql"}, …}</script>
    const options = JSON.parse(/<script type=application\/json id=graphiql-options>(.*?)<\/script>/s.exec(html)![1]!) as Record<string, unknown>;
    expect(options.additionalHeaders).toEqual({ [CSRF_HEADER]: 'graphiql' });
    expect(options.method ?? 'POST').toBe('POST');
  });
});

describe('CORS', () => {
  it('a cross-origin preflight is granted nothing', async () => {
    const response = await t.fetch('/graphql', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': `content-type, authorization, ${CSRF_HEADER}`,
      },
    });
    expect(response.ok).toBe(false);
    for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods']) {
      expect(response.headers.get(name), name).toBeNull();
    }
  });

  it('a request with an Origin gets no Access-Control-Allow-* headers', async () => {
    const result = await send({
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(result.status).toBe(200);
    expect([...result.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
