import type { BindingType, Credential, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { BadInputError, NotFoundError } from './errors.js';
import { type KeysetList, listPage } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { isSid, newSid, sidsOnly } from './sids.js';

export type { Credential };

/** An account's push credentials, listed under `account_sid` (the parent key is the account scope). */
const CREDENTIALS: KeysetList = { table: 'credentials', parentKey: 'account_sid', name: 'credentials', where: [] };

/** The caller's push credentials, one page, ordered by sid; BadInputError for invalid page arguments. */
export function listCredentials(data: DataContext, accountSid: string, args: PageArgs): Promise<Page<Credential>> {
  return listPage<Credential>(data, CREDENTIALS, accountSid, args);
}

/** One of the caller's push credentials by sid; null when it is unknown, malformed or another account's. */
export async function getCredential(data: DataContext, accountSid: string, sid: string): Promise<Credential | null> {
  if (!isSid(sid, 'CR')) return null;
  return data.prisma.credential.findFirst({ where: { sid, accountSid } });
}

/** Push credentials by sid within the caller's account; unknown or foreign sids are simply absent. */
export function getCredentials(data: DataContext, accountSid: string, sids: readonly string[]): Promise<Credential[]> {
  return data.prisma.credential.findMany({ where: { accountSid, sid: { in: sidsOnly(sids) } } });
}

/** The outer client or the `tx` of an interactive transaction. */
type Db = PrismaClient | Prisma.TransactionClient;

/** What a credential is for: APNs (iOS), GCM or FCM (Android, Firebase). The same values as a binding's type. */
export const CREDENTIAL_TYPES: readonly BindingType[] = ['apn', 'gcm', 'fcm'];

export interface CreateCredentialInput {
  accountSid: string;
  type: BindingType;
  friendlyName?: string | null | undefined;
  /** APNs' sandbox (development) environment: apn credentials only. Defaults to false. */
  sandbox?: boolean | undefined;
  /** A SID to keep (the credential's SID at Twilio); a random one when absent. */
  sid?: string | undefined;
  /** Defaults to now. */
  dateCreated?: Date | undefined;
}

/**
 * Records a push credential (CR…) of an account: its type, name and sandbox
 * flag, which bindings refer to. No secret is taken or stored (APNs
 * certificate and key, GCM/FCM server key): the gateway does not send pushes.
 * NotFoundError when the account does not exist; BadInputError for a type
 * that is none of CREDENTIAL_TYPES, a sandbox flag on a credential that is not
 * apn, or a SID that is malformed or taken (by a credential of any account).
 */
export async function createCredential(prisma: Db, input: CreateCredentialInput): Promise<Credential> {
  if (!CREDENTIAL_TYPES.includes(input.type)) {
    throw new BadInputError(`A credential's type is ${CREDENTIAL_TYPES.join(', ')}, not ${JSON.stringify(input.type)}`, 'type');
  }
  const sandbox = input.sandbox ?? false;
  if (sandbox && input.type !== 'apn') throw new BadInputError(`Only apn credentials have a sandbox, not ${input.type} ones`, 'sandbox');
  const sid = input.sid ?? newSid('CR');
  if (!isSid(sid, 'CR')) throw new BadInputError(`Not a credential SID (CR followed by 32 lower-case hex digits): ${JSON.stringify(sid)}`, 'sid');
  const account = await prisma.account.findUnique({ where: { sid: input.accountSid }, select: { sid: true } });
  if (!account) throw new NotFoundError(`Account ${input.accountSid} was not found`);
  const date = input.dateCreated ?? new Date();
  // ON CONFLICT DO NOTHING: a taken SID is an answer, not a failed statement
  // (which would also abort the caller's transaction).
  const [credential] = await prisma.credential.createManyAndReturn({
    data: [{ sid, accountSid: input.accountSid, friendlyName: input.friendlyName ?? null, type: input.type, sandbox, dateCreated: date, dateUpdated: date }],
    skipDuplicates: true,
  });
  if (!credential) throw new BadInputError(`Credential ${sid} already exists`, 'sid');
  return credential;
}
