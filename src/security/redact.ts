const MASK = '[redacted]';

/** Fields whose values are credentials or personal data, whatever they hold. */
const SENSITIVE_KEY = /authorization|password|passwd|secret|token|cookie|endpoint|identity|identities|credentials/i;

/**
 * Patterns of personal data and secrets that can surface inside free text
 * (error messages from the database, stack traces): Basic credentials, Postgres
 * key details, e-mail-like identities, APNs device tokens, FCM/GCM registration
 * tokens, and 32-hex auth tokens (not the hex of a SID, which is kept).
 */
const SENSITIVE_TEXT: Array<[RegExp, string]> = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/gi, `$1 ${MASK}`],
  [/(Key \([^)]*\)=\()[^)]*(\))/g, `$1${MASK}$2`],
  [/(Failing row contains \()[^)]*(\))/g, `$1${MASK}$2`],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  [/\b[0-9a-fA-F]{64}\b/g, '[device-token]'],
  [/(?:[\w-]{10,}:)?APA91b[\w-]+/g, '[registration-token]'],
  [/(?<![A-Z]{2})\b[0-9a-f]{32}\b/g, MASK],
];

/** A copy of `value` safe to log (see SENSITIVE_KEY and SENSITIVE_TEXT). */
export function redact(value: unknown, key = '', depth = 0): unknown {
  if (key && SENSITIVE_KEY.test(key) && value !== undefined && value !== null) return MASK;
  if (typeof value === 'string') return SENSITIVE_TEXT.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const { name, message, stack } = value;
    return redact({ name, message, stack, ...ownFields(value) }, '', depth + 1);
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, '', depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

function ownFields(error: Error): Record<string, unknown> {
  const { code, meta } = error as { code?: unknown; meta?: unknown };
  return { ...(code !== undefined ? { code } : {}), ...(meta !== undefined ? { meta } : {}) };
}

/** User identities can appear in request paths (REST's `/Users/{identity}/…`); access logs keep only SIDs. */
export function redactPath(pathname: string): string {
  return pathname.replace(/(\/Users\/)([^/]+)/, (_m, prefix: string, segment: string) =>
    /^US[0-9a-f]{32}$/.test(segment) ? prefix + segment : `${prefix}[identity]`,
  );
}
