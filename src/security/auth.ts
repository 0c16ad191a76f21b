import type { CredentialCache } from './credential-cache.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { isSid } from '../domain/sids.js';
import { verifySecret } from './secrets.js';

/** Who is calling: every query either front door runs is scoped to `accountSid`. */
export interface Caller {
  accountSid: string;
  /** The credential used: the account SID for its auth token, or the API key's SID. */
  credentialSid: string;
  /** What the credential may do: account tokens and read-write keys can delete, read keys cannot. */
  scope: 'read' | 'read-write';
}

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
  const { username, password } = credentials;
  if (isSid(username, 'AC')) {
    const account = await prisma.account.findUnique({ where: { sid: username }, select: { sid: true, authTokenHash: true } });
    if (!account || !verifySecret(password, account.authTokenHash)) return null;
    return { accountSid: account.sid, credentialSid: account.sid, scope: 'read-write' };
  }
  if (isSid(username, 'SK')) {
    const key = await prisma.apiKey.findUnique({
      where: { sid: username },
      select: { sid: true, accountSid: true, secretHash: true, scope: true, revokedAt: true },
    });
    if (!key || key.revokedAt !== null || !verifySecret(password, key.secretHash)) return null;
    return { accountSid: key.accountSid, credentialSid: key.sid, scope: key.scope === 'read' ? 'read' : 'read-write' };
  }
  return null;
}

/**
 * Authenticates each request once, however many layers ask (rate limiting,
 * then the front door): the result is kept with the Request object. With a
 * `cache`, a credential verified before costs no SQL and no hash check while
 * the cache is listening for changes (see CredentialCache).
 */
export function createAuthenticator(
  prisma: PrismaClient,
  options: { cache?: CredentialCache | undefined } = {},
): (request: Request) => Promise<Caller | null> {
  const { cache } = options;
  const results = new WeakMap<Request, Promise<Caller | null>>();
  const check = (header: string) => authenticate(prisma, header);
  return (request) => {
    let result = results.get(request);
    if (!result) {
      const header = request.headers.get('authorization');
      result = cache && header ? cache.get(header, check) : authenticate(prisma, header);
      results.set(request, result);
    }
    return result;
  };
}
