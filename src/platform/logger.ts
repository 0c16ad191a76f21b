import type { LogLevel } from './config.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * One JSON object per line (on stderr by default, so stdout stays free for
 * command output such as `seed --json`). Every line passes through `redact`.
 */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const at = (lineLevel: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lineLevel] < ORDER[level]) return;
    const line = { time: new Date().toISOString(), level: lineLevel, msg, ...fields };
    write(`${JSON.stringify(redact(line))}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent');

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
