/**
 * Security headers: every API response (GraphQL and REST, successes and
 * errors, and paths outside both doors) is data that must not be sniffed,
 * framed, cached or rendered; the GraphiQL page gets a Content-Security-Policy
 * that allows exactly what the page loads and runs, from this origin only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/graphql/http/plugins.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Listening, listen } from '../helpers/server.js';

let t: TestApp;
let server: Listening;

beforeAll(async () => {
  t = await startTestApp({ seed: 'headers', app: { limits: { maxBodyBytes: 1000 } } });
  server = await listen(t.app);
});

afterAll(async () => {
  await server?.close();
  await t?.close();
});

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

function headersOf(response: Response, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
}

describe('API responses', () => {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  // biome-ignore format: a data table, several entries per line
  const cases: Array<[string, number, () => [string, RequestInit]]> = [
    ['GraphQL data', 200, () => ['/graphql', { method: 'POST', headers: { ...json, authorization: t.scenario.a.authorization }, body: '{"query":"{ account { sid } }"}' }]],
    ['a GraphQL error', 200, () => ['/graphql', { method: 'POST', headers: { ...json, authorization: t.scenario.a.authorization }, body: '{"query":"{ nope }"}' }]],
    ['an invalid GraphQL document (graphql-response+json)', 400, () => ['/graphql', { method: 'POST', headers: { ...json, accept: 'application/graphql-response+json', authorization: t.scenario.a.authorization }, body: '{"query":"{ nope }"}' }]],
    ['GraphQL without credentials', 401, () => ['/graphql', { method: 'POST', headers: json, body: '{"query":"{ account { sid } }"}' }]],
    ['a GraphQL GET without the CSRF header', 403, () => ['/graphql?query=%7Baccount%7Bsid%7D%7D', { headers: { accept: 'application/json', authorization: t.scenario.a.authorization } }]],
    ['a GraphQL GET with it', 200, () => ['/graphql?query=%7Baccount%7Bsid%7D%7D', { headers: { accept: 'application/json', [CSRF_HEADER]: '1', authorization: t.scenario.a.authorization } }]],
    ['a GraphQL body too large', 413, () => ['/graphql', { method: 'POST', headers: { ...json, authorization: t.scenario.a.authorization }, body: 'x'.repeat(1001) }]],
    ['REST data', 200, () => [`/v2/Services/${t.scenario.a.services[0]!.sid}`, { headers: { authorization: t.scenario.a.authorization } }]],
    ['REST without credentials', 401, () => [`/v2/Services/${t.scenario.a.services[0]!.sid}`, {}]],
    ['a REST resource that does not exist', 404, () => [`/v2/Services/IS${'0'.repeat(32)}`, { headers: { authorization: t.scenario.a.authorization } }]],
    ['a REST method not allowed', 405, () => [`/v2/Services/${t.scenario.a.services[0]!.sid}`, { method: 'DELETE', headers: { authorization: t.scenario.a.authorization } }]],
    ['a path outside both doors', 404, () => ['/nowhere', {}]],
    ['the health check', 200, () => ['/health', {}]],
  ];

  it.each(cases)('%s (HTTP %i) carry nosniff, no-store, frame denial and CSP default-src none', async (_label, status, make) => {
    const [path, init] = make();
    const response = await t.fetch(path, init);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(headersOf(response, Object.keys(API_HEADERS))).toEqual(API_HEADERS);
  });

  it('also over HTTP', async () => {
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { ...json, authorization: t.scenario.a.authorization },
      body: '{"query":"{ account { sid } }"}',
    });
    expect(response.status).toBe(200);
    expect(headersOf(response, Object.keys(API_HEADERS))).toEqual(API_HEADERS);
  });
});

/** Whether a CSP source list allows a URL (scheme, host and path prefix; enough for the sources used here). */
function allows(sources: string[], url: string, self: string): boolean {
  const target = new URL(url, self);
  return sources.some((source) => {
    if (source === "'self'") return target.origin === new URL(self).origin;
    if (source === 'data:' || source === 'blob:') return target.protocol === source;
    if (!/^https?:\/\//.test(source)) return false;
    const allowed = new URL(source);
    if (allowed.origin !== target.origin) return false;
    return allowed.pathname.endsWith('/') ? target.pathname.startsWith(allowed.pathname) : target.pathname === allowed.pathname;
  });
}

describe('the GraphiQL page', () => {
  let html: string;
  let policy: Map<string, string[]>;
  let response: Response;

  beforeAll(async () => {
    response = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    policy = new Map(
      csp
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .filter((words) => words[0])
        .map(([name, ...sources]) => [name!, sources]),
    );
  });

  const self = 'http://gateway.test/graphql';

  it('is HTML with the headers every response carries', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(headersOf(response, ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'cache-control'])).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

  it('denies everything not named, framing, and base/form targets', () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
  });

  it('runs no inline script and no eval: scripts from this origin only', () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
    // Its options are JSON data; every other script is a file.
    for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(/\bsrc=/.test(attributes!) ? body : attributes).toMatch(/^$|^ type=application\/json /);
    }
  });

  it('allows the scripts, stylesheets and editor workers it loads, from this origin only (no CDN)', () => {
    const scripts = [...html.matchAll(/<script [^>]*src=["']?([^"' >]+)/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<link [^>]*rel=stylesheet [^>]*href=["']?([^"' >]+)/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    for (const url of scripts) expect(allows(policy.get('script-src')!, url, self), url).toBe(true);
    for (const url of styles) expect(allows(policy.get('style-src')!, url, self), url).toBe(true);
    // Monaco's workers are files next to the scripts.
    expect(allows(policy.get('worker-src')!, new URL('editor.worker.js', new URL(scripts[0]!, self)).href, self)).toBe(true);
    for (const directive of ['script-src', 'style-src', 'connect-src', 'worker-src']) {
      expect(allows(policy.get(directive)!, 'https://unpkg.com/@graphql-yoga/graphiql@4.5.1/dist/yoga-graphiql.umd.js', self), directive).toBe(false);
    }
  });

  it('talks to this origin, and loads its icon without a third party', () => {
    expect(allows(policy.get('connect-src')!, '/graphql', self)).toBe(true);
    expect(allows(policy.get('connect-src')!, 'https://elsewhere.example/graphql', self)).toBe(false);
    const icon = /<link rel=icon href=["']?([^"' >]+)/.exec(html)![1]!;
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    expect(allows(policy.get('img-src')!, icon, self)).toBe(true);
  });

  it('gets the same policy over HTTP', async () => {
    const overHttp = await fetch(`${server.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(overHttp.headers.get('content-security-policy')).toBe(response.headers.get('content-security-policy'));
    expect(await overHttp.text()).toBe(html);
  });
});
