import { Prisma, type PrismaClient, type Service } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { BadInputError, NotFoundError } from './errors.js';
import { type KeysetList, keysetCounts, listPage, type ParentTable } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { isSid, newSid, sidsOnly } from './sids.js';

export type { Service };

const SERVICES: KeysetList = { table: 'services', parentKey: 'account_sid', name: 'services', where: [] };

/** The caller's services, one page, ordered by sid; BadInputError for invalid page arguments. */
export function listServices(data: DataContext, accountSid: string, args: PageArgs): Promise<Page<Service>> {
  return listPage<Service>(data, SERVICES, accountSid, args);
}

export async function countServices(data: DataContext, accountSid: string): Promise<number> {
  return (await keysetCounts(data.reader, SERVICES, [accountSid])).get(accountSid) ?? 0;
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

/** The outer client or the `tx` of an interactive transaction. */
type Db = PrismaClient | Prisma.TransactionClient;

export interface CreateServiceInput {
  accountSid: string;
  friendlyName: string;
  /** A SID to keep (the service's SID at Twilio); a random one when absent. */
  sid?: string | undefined;
  /** Defaults to now. */
  dateCreated?: Date | undefined;
}

/**
 * Creates a Chat service (IS…) in an account. NotFoundError when the account
 * does not exist; BadInputError (`sid`) for a malformed SID or one that is
 * taken, by a service of any account.
 */
export async function createService(prisma: Db, input: CreateServiceInput): Promise<Service> {
  const sid = input.sid ?? newSid('IS');
  if (!isSid(sid, 'IS')) throw new BadInputError(`Not a service SID (IS followed by 32 lower-case hex digits): ${JSON.stringify(sid)}`, 'sid');
  await accountMustExist(prisma, input.accountSid);
  const date = input.dateCreated ?? new Date();
  // ON CONFLICT DO NOTHING: a taken SID is an answer, not a failed statement
  // (which would also abort the caller's transaction).
  const [service] = await prisma.service.createManyAndReturn({
    data: [{ sid, accountSid: input.accountSid, friendlyName: input.friendlyName, dateCreated: date, dateUpdated: date }],
    skipDuplicates: true,
  });
  if (!service) throw new BadInputError(`Service ${sid} already exists`, 'sid');
  return service;
}

/** A service as the operator lists it. */
export interface ServiceSummary {
  sid: string;
  accountSid: string;
  friendlyName: string;
  dateCreated: Date;
  /** Its bindings of every type (the maintained counts, not a count of rows). */
  bindingCount: number;
}

/**
 * Every service (or one account's) by account, then creation, with its number
 * of bindings: for operators, across accounts. NotFoundError when the account
 * asked for does not exist.
 */
export async function listServicesForOperator(prisma: Db, filter: { accountSid?: string | undefined } = {}): Promise<ServiceSummary[]> {
  const services = await prisma.service.findMany({
    where: filter.accountSid === undefined ? {} : { accountSid: filter.accountSid },
    orderBy: [{ accountSid: 'asc' }, { dateCreated: 'asc' }, { sid: 'asc' }],
    select: { sid: true, accountSid: true, friendlyName: true, dateCreated: true, bindingCounts: { select: { count: true } } },
  });
  if (services.length === 0 && filter.accountSid !== undefined) await accountMustExist(prisma, filter.accountSid);
  return services.map(({ bindingCounts, ...service }) => ({ ...service, bindingCount: bindingCounts.reduce((sum, c) => sum + c.count, 0) }));
}

async function accountMustExist(prisma: Db, accountSid: string): Promise<void> {
  const account = await prisma.account.findUnique({ where: { sid: accountSid }, select: { sid: true } });
  if (!account) throw new NotFoundError(`Account ${accountSid} was not found`);
}
