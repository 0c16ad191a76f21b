import type { Account, ApiKeyScope, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { hashSecret, newApiKeySecret, newAuthToken } from '../security/secrets.js';
import { NotFoundError } from './errors.js';
import { isSid, newSid } from './sids.js';

/** The outer client or the `tx` of an interactive transaction. */
export type AccountsDb = PrismaClient | Prisma.TransactionClient;

export interface CreateAccountInput {
  friendlyName: string;
  /** A fixed AC SID (demo data, imports); a random one when absent. */
  sid?: string;
  /** Defaults to now. */
  dateCreated?: Date;
  /** A given auth token (an import keeping Twilio's); a fresh random one when absent. */
  authToken?: string | undefined;
}

export interface CreatedAccount {
  sid: string;
  /** Shown this once: only its salted hash is stored. */
  authToken: string;
}

/** Creates an account with a fresh random auth token, storing only the token's hash. */
export async function createAccount(prisma: AccountsDb, input: CreateAccountInput): Promise<CreatedAccount> {
  const sid = input.sid ?? newSid('AC');
  if (!isSid(sid, 'AC')) throw new Error(`not an account SID: ${JSON.stringify(sid)}`);
  const authToken = input.authToken ?? newAuthToken();
  const date = input.dateCreated ?? new Date();
  await prisma.account.create({
    data: { sid, friendlyName: input.friendlyName, authTokenHash: hashSecret(authToken), dateCreated: date, dateUpdated: date },
  });
  return { sid, authToken };
}

export interface CreatedApiKey {
  sid: string;
  /** Shown this once: only its salted hash is stored. */
  secret: string;
}

/** What an API key may do: `read` keys query and list, `read-write` keys may also delete. */
export type ApiKeyScopeName = 'read' | 'read-write';
export const API_KEY_SCOPES: readonly ApiKeyScopeName[] = ['read', 'read-write'];

const toDbScope = (scope: ApiKeyScopeName): ApiKeyScope => (scope === 'read' ? 'read' : 'read_write');
const fromDbScope = (scope: ApiKeyScope): ApiKeyScopeName => (scope === 'read' ? 'read' : 'read-write');

/**
 * Creates an API key (SK…) for an account with a fresh random secret, storing
 * only its hash. NotFoundError when the account does not exist.
 */
export async function createApiKey(
  prisma: AccountsDb,
  input: { accountSid: string; friendlyName?: string | undefined; sid?: string; scope?: ApiKeyScopeName },
): Promise<CreatedApiKey> {
  const sid = input.sid ?? newSid('SK');
  if (!isSid(sid, 'SK')) throw new Error(`not an API key SID: ${JSON.stringify(sid)}`);
  const account = await prisma.account.findUnique({ where: { sid: input.accountSid }, select: { sid: true } });
  if (!account) throw new NotFoundError(`Account ${input.accountSid} was not found`);
  const secret = newApiKeySecret();
  await prisma.apiKey.create({
    data: {
      sid,
      accountSid: input.accountSid,
      friendlyName: input.friendlyName ?? null,
      secretHash: hashSecret(secret),
      scope: toDbScope(input.scope ?? 'read-write'),
    },
  });
  return { sid, secret };
}

/**
 * Replaces an account's auth token with a fresh one: the old token stops
 * working with the next request (the UPDATE's trigger notifies every gateway,
 * which empties its credential cache; see src/security/credential-cache.ts).
 * NotFoundError when the account does not exist.
 */
export async function rotateAuthToken(prisma: AccountsDb, accountSid: string): Promise<CreatedAccount> {
  const authToken = newAuthToken();
  const { count } = await prisma.account.updateMany({ where: { sid: accountSid }, data: { authTokenHash: hashSecret(authToken) } });
  if (count === 0) throw new NotFoundError(`Account ${accountSid} was not found`);
  return { sid: accountSid, authToken };
}

/** What an account shows its own callers (never its token hash). */
export type AccountProfile = Pick<Account, 'sid' | 'friendlyName' | 'dateCreated' | 'dateUpdated'>;

/** The caller's own account; null for any other sid (a caller only ever sees its own). */
export function getOwnAccount(prisma: AccountsDb, callerAccountSid: string, sid: string = callerAccountSid): Promise<AccountProfile | null> {
  if (sid !== callerAccountSid) return Promise.resolve(null);
  return prisma.account.findUnique({ where: { sid }, select: { sid: true, friendlyName: true, dateCreated: true, dateUpdated: true } });
}

export interface AccountInfo {
  sid: string;
  friendlyName: string;
  dateCreated: Date;
  /** API keys not revoked. */
  activeApiKeys: number;
}

/** Every account, oldest first (never a token or hash). */
export async function listAccounts(prisma: AccountsDb): Promise<AccountInfo[]> {
  const accounts = await prisma.account.findMany({
    orderBy: [{ dateCreated: 'asc' }, { sid: 'asc' }],
    select: { sid: true, friendlyName: true, dateCreated: true, _count: { select: { apiKeys: { where: { revokedAt: null } } } } },
  });
  return accounts.map((a) => ({ sid: a.sid, friendlyName: a.friendlyName, dateCreated: a.dateCreated, activeApiKeys: a._count.apiKeys }));
}

export interface ApiKeyInfo {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  scope: ApiKeyScopeName;
  dateCreated: Date;
  /** When it was revoked; null while it works. */
  revokedAt: Date | null;
}

const API_KEY_INFO = { sid: true, accountSid: true, friendlyName: true, scope: true, dateCreated: true, revokedAt: true } as const;

/** API keys (all, or one account's), by account then creation; never a secret or hash. */
export async function listApiKeys(prisma: AccountsDb, filter: { accountSid?: string | undefined } = {}): Promise<ApiKeyInfo[]> {
  const keys = await prisma.apiKey.findMany({
    where: filter.accountSid === undefined ? {} : { accountSid: filter.accountSid },
    orderBy: [{ accountSid: 'asc' }, { dateCreated: 'asc' }, { sid: 'asc' }],
    select: API_KEY_INFO,
  });
  return keys.map((k) => ({ ...k, scope: fromDbScope(k.scope) }));
}

export interface RevokedApiKey extends ApiKeyInfo {
  revokedAt: Date;
  /** True when it had been revoked before: revoking is idempotent and keeps the first date. */
  alreadyRevoked: boolean;
}

/**
 * Revokes an API key: it stops working with the next request. Idempotent (a
 * revoked key stays revoked, with its first revocation date); NotFoundError
 * when there is no such key.
 */
export async function revokeApiKey(prisma: AccountsDb, sid: string): Promise<RevokedApiKey> {
  const { count } = await prisma.apiKey.updateMany({ where: { sid, revokedAt: null }, data: { revokedAt: new Date() } });
  const key = await prisma.apiKey.findUnique({ where: { sid }, select: API_KEY_INFO });
  if (!key || key.revokedAt === null) throw new NotFoundError(`API key ${sid} was not found`);
  return { ...key, scope: fromDbScope(key.scope), revokedAt: key.revokedAt, alreadyRevoked: count === 0 };
}
