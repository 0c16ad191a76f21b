/** Headers every response carries: no sniffing, no framing, no referrer leaks, no caching of account data. */
const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** API responses are data, never documents to render. */
const API: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/**
 * The GraphiQL page runs yoga's inline bootstrap script and its bundle; it may
 * talk to this origin only.
 */
const GRAPHIQL_PAGE: Record<string, string> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' https://unpkg.com",
    "style-src 'self' 'unsafe-inline' https://unpkg.com",
    "worker-src 'self' blob: https://unpkg.com",
    "img-src 'self' data: https://unpkg.com",
    "font-src 'self' data: https://unpkg.com",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; '),
};

export function withSecurityHeaders(response: Response): Response {
  const isPage = (response.headers.get('content-type') ?? '').startsWith('text/html');
  for (const [name, value] of Object.entries({ ...COMMON, ...(isPage ? GRAPHIQL_PAGE : API) })) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}
