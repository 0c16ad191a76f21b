import { Prisma, type Service } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { sidsOnly } from './sids.js';
import { type KeysetList, keysetCounts, listPages, type ParentTable } from './keyset.js';
import type { Page, PageArgs } from './paging.js';

export type { Service };

/** A service row of alias `t`, with the Prisma model's field names. */
export const SERVICE_COLUMNS = Prisma.sql`t.sid, t.account_sid AS "accountSid", t.friendly_name AS "friendlyName",
  t.date_created AS "dateCreated", t.date_updated AS "dateUpdated"`;

const SERVICES: KeysetList = { table: 'services', parentColumn: 'account_sid', columns: SERVICE_COLUMNS, where: [] };

/** The caller's services, one page, ordered by sid. */
export async function listServices(data: DataContext, accountSid: string, args: PageArgs): Promise<Page<Service>> {
  const page = (await listPages<Service>(data, SERVICES, 'services', [accountSid], args)).get(accountSid);
  if (!page) throw new Error('listPages returned no page for its only parent');
  if (page instanceof Error) throw page;
  return page;
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
  return {
    table: 'services',
    where: [Prisma.sql`pt.account_sid = ${accountSid}`],
    columns: Prisma.sql`p.sid AS "p.sid", p.account_sid AS "p.accountSid", p.friendly_name AS "p.friendlyName",
      p.date_created AS "p.dateCreated", p.date_updated AS "p.dateUpdated"`,
  };
}
