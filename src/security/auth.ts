import { type Caller, findCredential } from '../domain/caller.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { CredentialCache } from './credential-cache.js';
import { verifySecret } from './secrets.js';

/** `Authorization: Basic base64(user:password)` → its parts, or null when absent or malformed. */
export function parseBasicAuth(header: string | null | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Checks HTTP Basic `AccountSid:AuthToken` or `ApiKeySid:Secret` (SK…). Returns
 * null for anything but a valid pair, without saying which half was wrong.
 */
export async function authenticate(prisma: PrismaClient, header: string | null | undefined): Promise<Caller | null> {
  const credentials = parseBasicAuth(header);
  if (!credentials || credentials.password.length > 256) return null;
  const stored = await findCredential(prisma, credentials.username);
  return stored && verifySecret(credentials.password, stored.secretHash) ? stored.caller : null;
}

/** The caller an `Authorization` header proves, or null. */
export type Authenticator = (authorization: string | null) => Promise<Caller | null>;

/**
 * `authenticate`, through `cache` when given: a credential verified before
 * costs no SQL and no hash check while the cache is listening for changes
 * (see CredentialCache).
 */
export function createAuthenticator(prisma: PrismaClient, options: { cache?: CredentialCache | undefined } = {}): Authenticator {
  const { cache } = options;
  const check = (header: string) => authenticate(prisma, header);
  return (header) => (cache && header ? cache.get(header, check) : authenticate(prisma, header));
}
