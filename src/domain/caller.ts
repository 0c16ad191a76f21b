import type { PrismaClient } from '../generated/prisma/client.js';
import { isSid } from './sids.js';

/** Who is calling: every query either front door runs is scoped to `accountSid`. */
export interface Caller {
  accountSid: string;
  /** The credential used: the account SID for its auth token, or the API key's SID. */
  credentialSid: string;
  /** What the credential may do: account tokens and read-write keys can delete, read keys cannot. */
  scope: 'read' | 'read-write';
}

/** A credential as stored: the caller it makes, and the hash its secret must match. */
export interface StoredCredential {
  caller: Caller;
  secretHash: string;
}

/**
 * The credential a Basic-auth user name names: an account's auth token
 * (`AC…`) or an API key (`SK…`). Null for anything unknown, malformed or revoked.
 */
export async function findCredential(prisma: PrismaClient, sid: string): Promise<StoredCredential | null> {
  if (isSid(sid, 'AC')) {
    const account = await prisma.account.findUnique({ where: { sid }, select: { sid: true, authTokenHash: true } });
    if (!account) return null;
    return { caller: { accountSid: account.sid, credentialSid: account.sid, scope: 'read-write' }, secretHash: account.authTokenHash };
  }
  if (isSid(sid, 'SK')) {
    const key = await prisma.apiKey.findUnique({
      where: { sid },
      select: { sid: true, accountSid: true, secretHash: true, scope: true, revokedAt: true },
    });
    if (!key || key.revokedAt !== null) return null;
    return {
      caller: { accountSid: key.accountSid, credentialSid: key.sid, scope: key.scope === 'read' ? 'read' : 'read-write' },
      secretHash: key.secretHash,
    };
  }
  return null;
}
