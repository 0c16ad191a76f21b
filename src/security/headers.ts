import { createHash } from 'node:crypto';

/** Headers every response carries: no sniffing, no framing, no referrer leaks, no caching of account data. */
const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** API responses are data, never documents to render. */
const API: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Where yoga's GraphiQL page loads its bundle, stylesheet and editor workers
 * from (https://unpkg.com/@graphql-yoga/graphiql@<version>/dist/…): that
 * package's folder only, not the whole CDN.
 */
export const GRAPHIQL_ASSETS = 'https://unpkg.com/@graphql-yoga/graphiql@';

/**
 * The GraphiQL page: its own inline scripts (by hash) and yoga's GraphiQL
 * bundle; it talks to this origin, and fetches the editor workers it then runs
 * from blob: URLs. Nothing else: no eval, no other hosts, no framing.
 */
export function graphiqlPagePolicy(html: string): string {
  const assets = graphiqlAssetSources(html);
  const inline = inlineScripts(html).map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  return [
    "default-src 'none'",
    `script-src ${[...inline, ...assets].join(' ')}`,
    `style-src 'unsafe-inline' ${assets.join(' ')}`,
    `connect-src 'self' ${assets.join(' ')}`,
    'worker-src blob:',
    "img-src 'self' data:",
    'font-src data:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function withSecurityHeaders(response: Response): Promise<Response> {
  const isPage = (response.headers.get('content-type') ?? '').startsWith('text/html');
  let result = response;
  let policy = API;
  if (isPage) {
    // The policy names the page's inline scripts, so it is made from the page.
    const html = await response.text();
    result = new Response(html, { status: response.status, statusText: response.statusText, headers: response.headers });
    policy = { 'content-security-policy': graphiqlPagePolicy(html) };
  }
  for (const [name, value] of Object.entries({ ...COMMON, ...policy })) {
    if (!result.headers.has(name)) result.headers.set(name, value);
  }
  return result;
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attributes]) => !/\bsrc\s*=/i.test(attributes ?? ''))
    .map(([, , body]) => body ?? '');
}

/** The GraphiQL package folder(s) the page refers to, e.g. https://unpkg.com/@graphql-yoga/graphiql@4.5.1/. */
function graphiqlAssetSources(html: string): string[] {
  const folders = new Set<string>();
  for (const [, version] of html.matchAll(/https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@([\w.+-]+)\//g)) {
    folders.add(`${GRAPHIQL_ASSETS}${version}/`);
  }
  return [...folders];
}
