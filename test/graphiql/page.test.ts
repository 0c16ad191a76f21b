/**
 * The GraphiQL page without a browser: it refers to nothing but the gateway's
 * own files (no CDN, so it works offline), those files are served with long
 * cache headers and an ETag, and its Content-Security-Policy names no other
 * host. test/graphiql/browser.test.ts runs it in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEADERS, DEFAULT_QUERY } from '../../src/graphql/http/graphiql.js';
import { CSRF_HEADER } from '../../src/graphql/http/plugins.js';
import { GRAPHQL_URL, startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seed: 'graphiql' });
});

afterAll(async () => {
  await t?.close();
});

async function pageAt(path: string): Promise<{ response: Response; html: string; url: URL }> {
  const response = await t.fetch(path, { headers: { accept: 'text/html' } });
  return { response, html: await response.text(), url: new URL(path, GRAPHQL_URL) };
}

/** Every URL in a src or href attribute, resolved against the page's URL. */
function referencedUrls(html: string, page: URL): URL[] {
  return [...html.matchAll(/\s(?:src|href)=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)].map((m) => new URL(m[1] ?? m[2] ?? m[3]!, page));
}

function optionsOf(html: string): Record<string, unknown> {
  return JSON.parse(/<script type=application\/json id=graphiql-options>(.*?)<\/script>/s.exec(html)![1]!) as Record<string, unknown>;
}

/** `name → sources` of a Content-Security-Policy header. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('the GraphiQL page', () => {
  it.each(['/graphql', '/graphql/'])('at %s refers to same-origin files only, none of them on another host', async (path) => {
    const { response, html, url } = await pageAt(path);
    expect(response.status).toBe(200);
    // No absolute http(s) URL at all (the icon is a data: URL).
    expect(html).not.toMatch(/https?:\/\//i);
    const urls = referencedUrls(html, url);
    const files = urls.filter((u) => u.protocol !== 'data:');
    expect(files.map((u) => u.pathname)).toEqual([
      expect.stringMatching(/^\/graphql\/graphiql\/[0-9a-f]{12}\/graphiql\.css$/),
      expect.stringMatching(/^\/graphql\/graphiql\/[0-9a-f]{12}\/boot\.js$/),
      expect.stringMatching(/^\/graphql\/graphiql\/[0-9a-f]{12}\/yoga-graphiql\.js$/),
    ]);
    for (const file of files) expect(file.origin).toBe(url.origin);
    expect(urls.filter((u) => u.protocol === 'data:').map((u) => u.href)).toEqual([expect.stringMatching(/^data:image\/svg\+xml,/)]);
  });

  it('has no inline script to run: its options are JSON data', async () => {
    const { html } = await pageAt('/graphql');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attributes, body] of scripts) {
      if (/\bsrc=/.test(attributes!)) expect(body).toBe('');
      else expect(attributes).toBe(' type=application/json id=graphiql-options');
    }
  });

  it('opens the default query, and the Headers tab with a template, not credentials', async () => {
    const options = optionsOf((await pageAt('/graphql')).html);
    expect(options.query).toBe(DEFAULT_QUERY);
    expect(options.headers).toBe(DEFAULT_HEADERS);
    expect(JSON.parse(DEFAULT_HEADERS)).toEqual({ Authorization: 'Basic <base64 of AccountSid:AuthToken>' });
    expect(options.defaultEditorToolsVisibility).toBe('headers');
    expect(options.additionalHeaders).toEqual({ [CSRF_HEADER]: 'graphiql' });
    // The Authorization header only: no browser login prompt, no cached Basic credentials.
    expect(options.credentials).toBe('omit');
    // GraphiQL posts to the page's own path.
    expect(options.endpoint).toBeUndefined();
  });

  it('has a Content-Security-Policy that allows this origin only', async () => {
    const { response } = await pageAt('/graphql');
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBeTruthy();
    expect(csp).not.toMatch(/unpkg|jsdelivr|cdn|https?:|\*/i);
    const policy = directives(csp!);
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      // GraphiQL and Monaco inject <style> elements.
      'style-src': ["'self'", "'unsafe-inline'"],
      'connect-src': ["'self'"],
      'worker-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });
});

describe("GraphiQL's files", () => {
  let folder: URL;
  let files: Array<[name: string, contentType: RegExp]>;

  beforeAll(async () => {
    const { html, url } = await pageAt('/graphql');
    folder = new URL('.', referencedUrls(html, url).find((u) => u.pathname.endsWith('/boot.js'))!);
    const boot = await (await t.fetch(new URL('boot.js', folder).href)).text();
    // The editor workers boot.js points Monaco at.
    const workers = [...boot.matchAll(/'([\w.-]+\.worker\.js)'/g)].map((m) => m[1]!);
    expect(workers).toEqual(['editor.worker.js', 'json.worker.js', 'graphql.worker.js']);
    files = [
      ['graphiql.css', /^text\/css; charset=utf-8$/],
      ['boot.js', /^text\/javascript; charset=utf-8$/],
      ['yoga-graphiql.js', /^text\/javascript; charset=utf-8$/],
      ...workers.map((name): [string, RegExp] => [name, /^text\/javascript; charset=utf-8$/]),
    ];
  });

  it('are served without credentials, with a content type, a year of caching and an ETag', async () => {
    for (const [name, contentType] of files) {
      const response = await t.fetch(new URL(name, folder).href);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toMatch(contentType);
      expect(response.headers.get('cache-control'), name).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('etag'), name).toMatch(/^"[\w-]{27}"$/);
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      const body = await response.text();
      expect(body.length, name).toBeGreaterThan(name === 'boot.js' ? 100 : 100_000);
      expect(response.headers.get('content-length'), name).toBe(String(Buffer.byteLength(body)));
    }
  });

  it('answer a matching If-None-Match with 304, and HEAD without a body', async () => {
    const url = new URL('yoga-graphiql.js', folder).href;
    const etag = (await t.fetch(url)).headers.get('etag')!;
    const notModified = await t.fetch(url, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await notModified.text()).toBe('');
    expect((await t.fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    const head = await t.fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');
  });

  it('are in a folder named by their content: another folder or name is a 404, other methods a 405', async () => {
    const notFound = [
      '/graphql/graphiql/000000000000/yoga-graphiql.js',
      '/graphql/graphiql/yoga-graphiql.js',
      new URL('nope.js', folder).pathname,
      `${folder.pathname}..%2F..%2F..%2Fpackage.json`,
    ];
    for (const path of notFound) {
      const response = await t.fetch(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('NOT_FOUND');
    }
    const post = await t.fetch(new URL('boot.js', folder).href, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
