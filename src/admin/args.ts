import { API_KEY_SCOPES, type ApiKeyScopeName } from '../domain/accounts.js';
import { isSid, type SidPrefix } from '../domain/sids.js';
import { optionFlag, UsageError } from './command.js';

// Validators of command arguments: each returns the typed value or throws a
// UsageError naming the option (`--friendly-name`) and what it accepts.

/** A command's arguments by camelCase option name, as given. */
export type Args = Readonly<Record<string, unknown>>;

export const FRIENDLY_NAME_MAX = 64;

/** `parse()` when the option was given, undefined otherwise. */
export function optional<T>(args: Args, name: string, parse: () => T): T | undefined {
  return args[name] === undefined ? undefined : parse();
}

/** A SID of one kind (required). */
export function sidArg(args: Args, name: string, prefix: SidPrefix, what: string): string {
  const value = args[name];
  if (value === undefined) throw new UsageError(`${optionFlag(name)} is required (${what}, ${prefix} followed by 32 hex digits)`);
  if (typeof value !== 'string' || !isSid(value, prefix)) {
    throw new UsageError(`${optionFlag(name)} must be ${what} (${prefix} followed by 32 lower-case hex digits), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `--account AC…` (required). */
export function accountArg(args: Args): string {
  return sidArg(args, 'account', 'AC', 'an account SID');
}

/** One of a fixed set of words (required); `what` explains them when the option is missing. */
export function choiceArg<T extends string>(args: Args, name: string, choices: readonly T[], what: string): T {
  const value = args[name];
  if (value === undefined) throw new UsageError(`${optionFlag(name)} is required: ${what}`);
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${optionFlag(name)} must be ${orList(choices)}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** `true` or `false`, exactly. */
export function booleanArg(args: Args, name: string): boolean {
  const value = args[name];
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${optionFlag(name)} must be true or false, got ${JSON.stringify(value)}`);
}

export function scopeArg(args: Args): ApiKeyScopeName {
  const value = args.scope;
  if (value === undefined) throw new UsageError('--scope is required: read (query and list only) or read-write (may also delete)');
  if (typeof value !== 'string' || !(API_KEY_SCOPES as readonly string[]).includes(value)) {
    throw new UsageError(`--scope must be read or read-write, got ${JSON.stringify(value)}`);
  }
  return value as ApiKeyScopeName;
}

export function friendlyNameArg(args: Args): string | undefined {
  const value = args.friendlyName;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > FRIENDLY_NAME_MAX || /\p{Cc}/u.test(value)) {
    throw new UsageError(`--friendly-name must be 1 to ${FRIENDLY_NAME_MAX} printable characters`);
  }
  return value.trim();
}

export function intArg(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${optionFlag(name)} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date (UTC midnight), a date-time with its zone, or a duration back from now (`90m`, `24h`, `7d`). */
export function sinceArg(value: unknown): Date {
  const text = typeof value === 'string' ? value.trim() : '';
  const duration = /^(\d{1,6})([mhd])$/.exec(text);
  let date: Date | undefined;
  if (duration) date = new Date(Date.now() - Number(duration[1]) * DURATION_UNITS[duration[2]!]!);
  else if (ISO_DATE.test(text)) date = new Date(`${text}T00:00:00Z`);
  else if (ISO_DATE_TIME.test(text)) date = new Date(text);
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--since must be a date (2026-11-21, UTC), a date-time with its zone (2026-11-21T10:00:00Z) or a duration (90m, 24h, 7d), got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

/** `a, b or c`. */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
