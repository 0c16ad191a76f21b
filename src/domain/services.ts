import { Prisma, type Service } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { type KeysetList, keysetCounts, listPage, type ParentTable } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { sidsOnly } from './sids.js';

export type { Service };

const SERVICES: KeysetList = { table: 'services', parentKey: 'account_sid', name: 'services', where: [] };

/** The caller's services, one page, ordered by sid; BadInputError for invalid page arguments. */
export function listServices(data: DataContext, accountSid: string, args: PageArgs): Promise<Page<Service>> {
  return listPage<Service>(data, SERVICES, accountSid, args);
}

export async function countServices(data: DataContext, accountSid: string): Promise<number> {
  return (await keysetCounts(data.prisma, SERVICES, [accountSid])).get(accountSid) ?? 0;
}

/** Services by sid within the caller's account; unknown or foreign sids are simply absent. */
export function getServices(data: DataContext, accountSid: string, sids: readonly string[]): Promise<Service[]> {
  return data.prisma.service.findMany({ where: { accountSid, sid: { in: sidsOnly(sids) } } });
}

/**
 * The caller's services as the parents of a list read in the same statement
 * (a service with its first page of users or bindings).
 */
export function servicesOf(accountSid: string): ParentTable {
  return { table: 'services', where: [Prisma.sql`pt.account_sid = ${accountSid}`] };
}
