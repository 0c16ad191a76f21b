import {
  API_KEY_SCOPES,
  type ApiKeyScopeName,
  createAccount,
  createApiKey,
  listAccounts,
  listApiKeys,
  revokeApiKey,
  rotateAuthToken,
} from '../domain/accounts.js';
import { listDeletions } from '../domain/audit.js';
import { isSid, type SidPrefix } from '../domain/sids.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * The operator commands of `npm run cli`. Each one validates its arguments
 * itself (`parse`), runs over a PrismaClient and returns a JSON-serialisable
 * result (the same whether it ran in the CLI's process or in the running
 * gateway's, see channel.ts), and formats that result for humans.
 *
 * Arguments are named by their camelCase option name (`--friendly-name` is
 * `friendlyName`), their values strings as typed on the command line (numbers
 * are accepted where a number is meant).
 */
export interface Command<A = unknown, R = unknown> {
  name: string;
  summary: string;
  /** Arguments after the command name, for the usage text. */
  usage: string;
  /** Option names it accepts (camelCase). */
  options: readonly string[];
  /** The option a lone positional argument fills (`key:revoke SK…` = `key:revoke --key SK…`). */
  positional?: string;
  /** May run on an embedded data folder that has no database yet (it creates one). */
  initializesDatabase?: boolean;
  parse(args: Readonly<Record<string, unknown>>): A;
  run(prisma: PrismaClient, args: A): Promise<R>;
  format(result: R): string;
}

/** Arguments the command refuses: the CLI exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const FRIENDLY_NAME_MAX = 64;
export const AUDIT_LIMIT_DEFAULT = 50;
export const AUDIT_LIMIT_MAX = 1000;

const accountCreate: Command<{ friendlyName: string | undefined }, AccountCreated> = {
  name: 'account:create',
  summary: 'create an account; prints its SID and auth token (shown once)',
  usage: '[--friendly-name NAME]',
  options: ['friendlyName'],
  initializesDatabase: true,
  parse: (a) => ({ friendlyName: friendlyNameArg(a) }),
  async run(prisma, args) {
    const dateCreated = new Date();
    const friendlyName = args.friendlyName ?? `Account created ${iso(dateCreated)}`;
    const { sid, authToken } = await createAccount(prisma, { friendlyName, dateCreated });
    return { sid, friendlyName, authToken, dateCreated: iso(dateCreated) };
  },
  format: (r) =>
    lines(
      `Created account ${r.sid} (${r.friendlyName})`,
      `  AccountSid  ${r.sid}`,
      `  AuthToken   ${r.authToken}`,
      '',
      'The auth token is shown this once: only its hash is stored.',
    ),
};
interface AccountCreated {
  sid: string;
  friendlyName: string;
  authToken: string;
  dateCreated: string;
}

const accountRotateToken: Command<{ accountSid: string }, { sid: string; authToken: string }> = {
  name: 'account:rotate-token',
  summary: "replace an account's auth token; the old one stops working at once",
  usage: '--account AC…',
  options: ['account'],
  positional: 'account',
  parse: (a) => ({ accountSid: sidArg(a, 'account', 'AC', 'an account SID') }),
  run: (prisma, args) => rotateAuthToken(prisma, args.accountSid),
  format: (r) =>
    lines(
      `New auth token for account ${r.sid}; the old token no longer works.`,
      `  AccountSid  ${r.sid}`,
      `  AuthToken   ${r.authToken}`,
      '',
      'The auth token is shown this once: only its hash is stored.',
    ),
};

const accountList: Command<Record<string, never>, { accounts: AccountRow[] }> = {
  name: 'account:list',
  summary: 'list accounts (SID, name, active API keys)',
  usage: '',
  options: [],
  parse: () => ({}),
  async run(prisma) {
    const accounts = await listAccounts(prisma);
    return { accounts: accounts.map((a) => ({ ...a, dateCreated: iso(a.dateCreated) })) };
  },
  format: (r) =>
    r.accounts.length === 0
      ? 'No accounts.\n'
      : table(
          ['SID', 'CREATED', 'ACTIVE KEYS', 'NAME'],
          r.accounts.map((a) => [a.sid, shortIso(a.dateCreated), String(a.activeApiKeys), a.friendlyName]),
        ),
};
interface AccountRow {
  sid: string;
  friendlyName: string;
  dateCreated: string;
  activeApiKeys: number;
}

const keyCreate: Command<{ accountSid: string; scope: ApiKeyScopeName; friendlyName: string | undefined }, KeyCreated> = {
  name: 'key:create',
  summary: 'create an API key (SK…) for an account; prints its secret (shown once)',
  usage: '--account AC… --scope read|read-write [--friendly-name NAME]',
  options: ['account', 'scope', 'friendlyName'],
  parse: (a) => ({
    accountSid: sidArg(a, 'account', 'AC', 'an account SID'),
    scope: scopeArg(a),
    friendlyName: friendlyNameArg(a),
  }),
  async run(prisma, args) {
    const { sid, secret } = await createApiKey(prisma, args);
    return { sid, accountSid: args.accountSid, friendlyName: args.friendlyName ?? null, scope: args.scope, secret };
  },
  format: (r) =>
    lines(
      `Created ${r.scope} API key ${r.sid} for account ${r.accountSid}${r.friendlyName ? ` (${r.friendlyName})` : ''}`,
      `  Sid     ${r.sid}`,
      `  Secret  ${r.secret}`,
      '',
      `The secret is shown this once: only its hash is stored. Authenticate with ${r.sid}:<secret>.`,
    ),
};
interface KeyCreated {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  scope: ApiKeyScopeName;
  secret: string;
}

const keyList: Command<{ accountSid: string | undefined }, { apiKeys: KeyRow[] }> = {
  name: 'key:list',
  summary: "list API keys (all, or one account's) with scope and revocation; never secrets",
  usage: '[--account AC…]',
  options: ['account'],
  parse: (a) => ({ accountSid: optional(a, 'account', () => sidArg(a, 'account', 'AC', 'an account SID')) }),
  async run(prisma, args) {
    const keys = await listApiKeys(prisma, { accountSid: args.accountSid });
    return { apiKeys: keys.map((k) => ({ ...k, dateCreated: iso(k.dateCreated), revokedAt: k.revokedAt && iso(k.revokedAt) })) };
  },
  format: (r) =>
    r.apiKeys.length === 0
      ? 'No API keys.\n'
      : table(
          ['SID', 'ACCOUNT', 'SCOPE', 'CREATED', 'REVOKED', 'NAME'],
          r.apiKeys.map((k) => [k.sid, k.accountSid, k.scope, shortIso(k.dateCreated), k.revokedAt ? shortIso(k.revokedAt) : '-', k.friendlyName ?? '']),
        ),
};
interface KeyRow {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  scope: ApiKeyScopeName;
  dateCreated: string;
  revokedAt: string | null;
}

const keyRevoke: Command<{ sid: string }, KeyRow & { revokedAt: string; alreadyRevoked: boolean }> = {
  name: 'key:revoke',
  summary: 'revoke an API key; it stops working at once (revoking twice is harmless)',
  usage: '--key SK…',
  options: ['key'],
  positional: 'key',
  parse: (a) => ({ sid: sidArg(a, 'key', 'SK', 'an API key SID') }),
  async run(prisma, args) {
    const key = await revokeApiKey(prisma, args.sid);
    return { ...key, dateCreated: iso(key.dateCreated), revokedAt: iso(key.revokedAt) };
  },
  format: (r) =>
    r.alreadyRevoked
      ? `API key ${r.sid} of account ${r.accountSid} was already revoked (at ${shortIso(r.revokedAt)}).\n`
      : `Revoked API key ${r.sid} of account ${r.accountSid}: it no longer authenticates.\n`,
};

const auditList: Command<{ accountSid: string | undefined; since: Date | undefined; limit: number }, { deletions: DeletionRow[] }> = {
  name: 'audit:list',
  summary: 'list binding deletions, newest first (who, when, through which front door, the row as it was)',
  usage: `[--account AC…] [--since 2026-11-21|2026-11-21T10:00:00Z|24h|7d] [--limit 1-${AUDIT_LIMIT_MAX}, default ${AUDIT_LIMIT_DEFAULT}]`,
  options: ['account', 'since', 'limit'],
  parse: (a) => ({
    accountSid: optional(a, 'account', () => sidArg(a, 'account', 'AC', 'an account SID')),
    since: optional(a, 'since', () => sinceArg(a.since)),
    limit: optional(a, 'limit', () => intArg(a.limit, 'limit', 1, AUDIT_LIMIT_MAX)) ?? AUDIT_LIMIT_DEFAULT,
  }),
  async run(prisma, args) {
    const deletions = await listDeletions(prisma, args);
    return { deletions: deletions.map((d) => ({ ...d, dateCreated: iso(d.dateCreated) })) };
  },
  format: (r) =>
    r.deletions.length === 0
      ? 'No deletions recorded.\n'
      : r.deletions
          .map((d) =>
            lines(
              `${d.dateCreated}  ${d.sid}  binding ${d.bindingSid} of service ${d.serviceSid}`,
              `  account ${d.accountSid}  credential ${d.credentialSid}  via ${d.frontDoor}  request ${d.requestId ?? '-'}`,
              `  row ${JSON.stringify(d.binding)}`,
            ),
          )
          .join(''),
};
interface DeletionRow {
  sid: string;
  dateCreated: string;
  accountSid: string;
  credentialSid: string;
  frontDoor: string;
  requestId: string | null;
  bindingSid: string;
  serviceSid: string;
  binding: unknown;
}

/** Every command, in the order the usage text lists them. */
export const COMMANDS: readonly Command[] = [accountCreate, accountRotateToken, accountList, keyCreate, keyList, keyRevoke, auditList];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `--friendly-name` for `friendlyName`. */
export function optionFlag(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Checks the argument names, then the command's own validation; UsageError on anything wrong. */
export function parseArgs(command: Command, args: Readonly<Record<string, unknown>>): unknown {
  for (const [name, value] of Object.entries(args)) {
    if (!command.options.includes(name)) {
      throw new UsageError(`${command.name} does not take ${optionFlag(name)}`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new UsageError(`${optionFlag(name)} needs a value`);
    }
  }
  return command.parse(args);
}

/** Validates and runs a command over a database: the one path both transports take. */
export async function executeCommand(prisma: PrismaClient, name: string, args: Readonly<Record<string, unknown>>): Promise<unknown> {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  return command.run(prisma, parseArgs(command, args));
}

// ---------------------------------------------------------------------------
// Argument validators

function optional<T>(args: Readonly<Record<string, unknown>>, name: string, parse: () => T): T | undefined {
  return args[name] === undefined ? undefined : parse();
}

function sidArg(args: Readonly<Record<string, unknown>>, name: string, prefix: SidPrefix, what: string): string {
  const value = args[name];
  if (value === undefined) throw new UsageError(`${optionFlag(name)} is required (${what}, ${prefix} followed by 32 hex digits)`);
  if (typeof value !== 'string' || !isSid(value, prefix)) {
    throw new UsageError(`${optionFlag(name)} must be ${what} (${prefix} followed by 32 lower-case hex digits), got ${JSON.stringify(value)}`);
  }
  return value;
}

function scopeArg(args: Readonly<Record<string, unknown>>): ApiKeyScopeName {
  const value = args.scope;
  if (value === undefined) throw new UsageError('--scope is required: read (query and list only) or read-write (may also delete)');
  if (typeof value !== 'string' || !(API_KEY_SCOPES as readonly string[]).includes(value)) {
    throw new UsageError(`--scope must be read or read-write, got ${JSON.stringify(value)}`);
  }
  return value as ApiKeyScopeName;
}

function friendlyNameArg(args: Readonly<Record<string, unknown>>): string | undefined {
  const value = args.friendlyName;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > FRIENDLY_NAME_MAX || /\p{Cc}/u.test(value)) {
    throw new UsageError(`--friendly-name must be 1 to ${FRIENDLY_NAME_MAX} printable characters`);
  }
  return value.trim();
}

function intArg(value: unknown, name: string, min: number, max: number): number {
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
function sinceArg(value: unknown): Date {
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

// ---------------------------------------------------------------------------
// Formatting

function iso(date: Date): string {
  return date.toISOString();
}

/** `2026-11-21T10:00:00Z`: seconds are enough in tables. */
function shortIso(isoDate: string): string {
  return isoDate.replace(/\.\d{3}Z$/, 'Z');
}

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return lines(render(header), ...rows.map(render));
}
