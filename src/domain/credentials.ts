import type { Credential } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { type KeysetList, listPage } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { isSid, sidsOnly } from './sids.js';

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
