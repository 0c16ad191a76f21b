import { Prisma, type User } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import type { BadInputError } from './errors.js';
import { checkPageArgs, type KeysetList, keysetCounts, listPage, listPages, pageWithParent } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { type Service, servicesOf } from './services.js';
import { isSid, sidsOnly, storable } from './sids.js';

export type { User };

/** Users of services of the caller's account (the join keeps foreign services out). */
function userList(accountSid: string): KeysetList {
  return {
    table: 'users',
    parentKey: 'service_sid',
    name: 'users',
    where: [Prisma.sql`EXISTS (SELECT 1 FROM services s WHERE s.sid = t.service_sid AND s.account_sid = ${accountSid})`],
  };
}

/** One page of a service's users, ordered by sid; BadInputError for invalid page arguments. */
export function listUsers(data: DataContext, accountSid: string, serviceSid: string, args: PageArgs): Promise<Page<User>> {
  return listPage<User>(data, userList(accountSid), serviceSid, args);
}

/** listUsers for many services at once, in one SQL statement (for loaders); a service's invalid arguments are its error. */
export function listUsersBatch(
  data: DataContext,
  accountSid: string,
  serviceSids: readonly string[],
  args: PageArgs,
): Promise<Map<string, Page<User> | BadInputError>> {
  return listPages<User>(data, userList(accountSid), serviceSids, args);
}

/** The BadInputError listUsers would throw for these arguments, without reading anything. */
export function checkUserPageArgs(data: DataContext, serviceSid: string, args: PageArgs): void {
  checkPageArgs(data, userList(''), serviceSid, args);
}

/**
 * One of the caller's services with its page of users, in one statement
 * (`{ parent: null }`: no such service; undefined: invalid arguments, ask listUsers).
 */
export function serviceWithUsers(data: DataContext, accountSid: string, serviceSid: string, args: PageArgs) {
  return pageWithParent<User, Service>(data, userList(accountSid), servicesOf(accountSid), serviceSid, args);
}

export function countUsers(data: DataContext, accountSid: string, serviceSids: readonly string[]) {
  return keysetCounts(data.reader, userList(accountSid), serviceSids);
}

/** Users by sid within the caller's account; unknown or foreign sids are simply absent. */
export function getUsers(data: DataContext, accountSid: string, sids: readonly string[]): Promise<User[]> {
  return data.prisma.user.findMany({ where: { sid: { in: sidsOnly(sids) }, service: { accountSid } } });
}

/** A user of one of the caller's services, by sid or by identity. */
export async function findUser(data: DataContext, accountSid: string, serviceSid: string, by: { sid: string } | { identity: string }): Promise<User | null> {
  if ('sid' in by ? !isSid(by.sid, 'US') : !storable(by.identity)) return null;
  if (!isSid(serviceSid, 'IS')) return null;
  return data.prisma.user.findFirst({ where: { serviceSid, service: { accountSid }, ...by } });
}
