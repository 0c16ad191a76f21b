import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { hashSecret, newApiKeySecret, newAuthToken } from './secrets.js';
import { isSid, newSid } from './sids.js';

/** The outer client or the `tx` of an interactive transaction. */
export type AccountsDb = PrismaClient | Prisma.TransactionClient;

export interface CreateAccountInput {
  friendlyName: string;
  /** A fixed AC SID (demo data, imports); a random one when absent. */
  sid?: string;
  /** Defaults to now. */
  dateCreated?: Date;
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
  const authToken = newAuthToken();
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

/** Creates an API key (SK…) for an account with a fresh random secret, storing only its hash. */
export async function createApiKey(
  prisma: AccountsDb,
  input: { accountSid: string; friendlyName?: string; sid?: string },
): Promise<CreatedApiKey> {
  const sid = input.sid ?? newSid('SK');
  if (!isSid(sid, 'SK')) throw new Error(`not an API key SID: ${JSON.stringify(sid)}`);
  const secret = newApiKeySecret();
  await prisma.apiKey.create({
    data: { sid, accountSid: input.accountSid, friendlyName: input.friendlyName ?? null, secretHash: hashSecret(secret) },
  });
  return { sid, secret };
}
