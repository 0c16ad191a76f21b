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
 * The GraphiQL page (src/graphql/http/graphiql.ts): everything from this
 * origin only. Scripts are its files, no inline script (so neither hash nor
 * nonce), no eval; it talks to this origin; Monaco's editor workers are files
 * of the same folder. Styles need 'unsafe-inline': GraphiQL and Monaco inject
 * <style> elements at run time. Fonts are data: URLs in GraphiQL's stylesheet,
 * the icon a data: URL. No framing, no <base>, no form targets.
 */
export const GRAPHIQL_PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "worker-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function withSecurityHeaders(response: Response): Response {
  const isPage = (response.headers.get('content-type') ?? '').startsWith('text/html');
  const policy = isPage ? { 'content-security-policy': GRAPHIQL_PAGE_POLICY } : API;
  for (const [name, value] of Object.entries({ ...COMMON, ...policy })) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}
