import { type Binding, type BindingType, Prisma } from '../generated/prisma/client.js';
import type { Caller } from './caller.js';
import type { DataContext } from './data-context.js';
import { type BadInputError, ForbiddenError, NotFoundError } from './errors.js';
import { checkPageArgs, type KeysetList, keysetCounts, type ListOrder, listPage, listPages, pageWithParent } from './keyset.js';
import type { Page, PageArgs } from './paging.js';
import { type Service, servicesOf } from './services.js';
import { isSid, newSid, sidsOnly, storable } from './sids.js';
import { projection } from './tables.js';

export type { Binding, BindingType };

export const BINDING_TYPES: readonly BindingType[] = ['gcm', 'apn', 'fcm'];

export interface BindingFilter {
  /** Keep bindings of any of these types (absent or empty: all). */
  bindingTypes?: readonly BindingType[] | null | undefined;
  /** Keep bindings of any of these identities (absent or empty: all). */
  identities?: readonly string[] | null | undefined;
  /** Keep bindings whose identity starts with this (absent or empty: all). */
  identityPrefix?: string | null | undefined;
  /** Keep bindings of any of these credentials (absent or empty: all). */
  credentialSids?: readonly string[] | null | undefined;
  /** Keep bindings created strictly after / before these instants. */
  createdAfter?: Date | null | undefined;
  createdBefore?: Date | null | undefined;
  /** Keep bindings last updated strictly after / before these instants. */
  updatedAfter?: Date | null | undefined;
  updatedBefore?: Date | null | undefined;
}

/** The orders a binding list can be read in; each has an index per parent kind (see the binding_orders migration). */
export const BINDING_ORDERS = {
  SID_ASC: { descending: false },
  SID_DESC: { name: 'SID_DESC', descending: true },
  DATE_CREATED_ASC: { name: 'DATE_CREATED_ASC', key: { column: 'date_created', field: 'dateCreated' }, descending: false },
  DATE_CREATED_DESC: { name: 'DATE_CREATED_DESC', key: { column: 'date_created', field: 'dateCreated' }, descending: true },
  DATE_UPDATED_ASC: { name: 'DATE_UPDATED_ASC', key: { column: 'date_updated', field: 'dateUpdated' }, descending: false },
  DATE_UPDATED_DESC: { name: 'DATE_UPDATED_DESC', key: { column: 'date_updated', field: 'dateUpdated' }, descending: true },
} as const satisfies Record<string, ListOrder>;

export type BindingOrder = keyof typeof BINDING_ORDERS;

/** Bindings are listed under a service (`IS…`) or under one user (`US…`). */
export type BindingParent = 'service' | 'user';

const COLUMNS = projection('bindings', 't');

/** Conditions on the bindings alias `t`: the account's rows that pass `filter` (joined with AND). */
export function bindingConditions(accountSid: string, filter: BindingFilter): Prisma.Sql[] {
  const where = [Prisma.sql`t.account_sid = ${accountSid}`];
  if (filter.bindingTypes?.length) where.push(oneOf(Prisma.sql`t.binding_type`, filter.bindingTypes, 'binding_type'));
  if (filter.identities?.length) {
    const identities = filter.identities.filter(storable);
    // In byte order, like the index (see startsWith); for equality that changes nothing.
    where.push(identities.length ? oneOf(Prisma.sql`t.identity COLLATE "C"`, identities, 'text') : Prisma.sql`false`);
  }
  if (filter.identityPrefix) where.push(startsWith(filter.identityPrefix));
  if (filter.credentialSids?.length) {
    const credentials = filter.credentialSids.filter(storable);
    where.push(credentials.length ? oneOf(Prisma.sql`t.credential_sid`, credentials, 'text') : Prisma.sql`false`);
  }
  if (filter.createdAfter) where.push(Prisma.sql`t.date_created > ${filter.createdAfter.toISOString()}::timestamp(3)`);
  if (filter.createdBefore) where.push(Prisma.sql`t.date_created < ${filter.createdBefore.toISOString()}::timestamp(3)`);
  if (filter.updatedAfter) where.push(Prisma.sql`t.date_updated > ${filter.updatedAfter.toISOString()}::timestamp(3)`);
  if (filter.updatedBefore) where.push(Prisma.sql`t.date_updated < ${filter.updatedBefore.toISOString()}::timestamp(3)`);
  return where;
}

/** Whether only the binding types (if anything) are filtered: what the maintained counts can answer. */
function filtersOnlyTypes(filter: BindingFilter): boolean {
  const { bindingTypes: _types, ...rest } = filter;
  return Object.values(rest).every((value) => value == null || value === '' || (Array.isArray(value) && value.length === 0));
}

/**
 * Identities starting with `prefix`, as a range in byte order that the
 * (service_sid, identity COLLATE "C") index answers; in the database's own
 * collation a range need not hold every string with the prefix. starts_with
 * keeps the test exact whatever the bounds.
 */
function startsWith(prefix: string): Prisma.Sql {
  if (!storable(prefix)) return Prisma.sql`false`;
  const conditions = [Prisma.sql`t.identity COLLATE "C" >= ${prefix}`, Prisma.sql`starts_with(t.identity, ${prefix})`];
  const upper = nextPrefix(prefix);
  if (upper !== undefined) conditions.push(Prisma.sql`t.identity COLLATE "C" < ${upper}`);
  return Prisma.join(conditions, ' AND ');
}

/** The smallest string above every string starting with `prefix`, in code point (= UTF-8 byte) order; undefined when there is none. */
function nextPrefix(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogates cannot be stored: the next code point after U+D7FF is U+E000.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

function bindingList(accountSid: string, parent: BindingParent, filter: BindingFilter, order: BindingOrder = 'SID_ASC'): KeysetList {
  return {
    table: 'bindings',
    parentKey: parent === 'service' ? 'service_sid' : 'user_sid',
    name: 'bindings',
    where: bindingConditions(accountSid, filter),
    order: BINDING_ORDERS[order],
  };
}

/**
 * `column` equals one of `values` (not empty). A single value is compared with
 * `=`, not `= ANY(array)`: then the (service_sid, identity | binding_type, sid)
 * indexes return the rows already in sid order, so a page stops after its
 * rows instead of sorting all of the identity's or type's rows first.
 */
function oneOf(column: Prisma.Sql, values: readonly string[], type: 'text' | 'binding_type'): Prisma.Sql {
  const distinct = [...new Set(values)];
  const cast = Prisma.raw(type);
  return distinct.length === 1 ? Prisma.sql`${column} = ${distinct[0]}::${cast}` : Prisma.sql`${column} = ANY(${distinct}::text[]::${cast}[])`;
}

/** One page of the bindings of one service or user, in `order`; BadInputError for invalid page arguments. */
export function listBindings(
  data: DataContext,
  accountSid: string,
  parent: BindingParent,
  parentSid: string,
  filter: BindingFilter,
  args: PageArgs,
  order: BindingOrder = 'SID_ASC',
): Promise<Page<Binding>> {
  return listPage<Binding>(data, bindingList(accountSid, parent, filter, order), parentSid, args);
}

/** listBindings for many parents of one kind at once, in one SQL statement (for loaders); a parent's invalid arguments are its error. */
export function listBindingsBatch(
  data: DataContext,
  accountSid: string,
  parent: BindingParent,
  parents: readonly string[],
  filter: BindingFilter,
  args: PageArgs,
  order: BindingOrder = 'SID_ASC',
): Promise<Map<string, Page<Binding> | BadInputError>> {
  return listPages<Binding>(data, bindingList(accountSid, parent, filter, order), parents, args);
}

/** The BadInputError listBindings would throw for these arguments, without reading anything. */
export function checkBindingPageArgs(data: DataContext, parentSid: string, args: PageArgs, order: BindingOrder = 'SID_ASC'): void {
  checkPageArgs(data, bindingList('', 'service', {}, order), parentSid, args);
}

/**
 * One of the caller's services with its page of bindings, in one statement
 * (`{ parent: null }`: no such service; undefined: invalid arguments, ask listBindings).
 */
export function serviceWithBindings(
  data: DataContext,
  accountSid: string,
  serviceSid: string,
  filter: BindingFilter,
  args: PageArgs,
  order: BindingOrder = 'SID_ASC',
) {
  return pageWithParent<Binding, Service>(data, bindingList(accountSid, 'service', filter, order), servicesOf(accountSid), serviceSid, args);
}

/**
 * How many bindings each parent has under the same filter as its pages. A
 * service's total (optionally by type) comes from the maintained counts, a few
 * rows whatever the service's size; other filters and users count their rows
 * through the indexes.
 */
export async function countBindings(
  data: DataContext,
  accountSid: string,
  parent: BindingParent,
  parents: readonly string[],
  filter: BindingFilter,
): Promise<Map<string, number>> {
  if (parent === 'user' || !filtersOnlyTypes(filter)) {
    return keysetCounts(data.reader, bindingList(accountSid, parent, filter), parents);
  }
  if (parents.length === 0) return new Map();
  const rows = await data.reader.rows<{ parent: string; count: number }>(Prisma.sql`
    SELECT p.parent_key AS parent,
           (${maintainedCount(Prisma.sql`p.parent_key`, filter, [
             Prisma.sql`EXISTS (SELECT 1 FROM services s WHERE s.sid = p.parent_key AND s.account_sid = ${accountSid})`,
           ])}) AS count
    FROM unnest(${[...parents]}::text[]) AS p(parent_key)`);
  return new Map(rows.map((r) => [r.parent, Number(r.count)]));
}

/**
 * One of the caller's services with its number of bindings (by type when
 * filtered), in one statement; null when there is no such service. Undefined
 * for other filters, which countBindings counts row by row.
 */
export async function serviceWithBindingCount(
  data: DataContext,
  accountSid: string,
  serviceSid: string,
  filter: BindingFilter,
): Promise<{ service: Service; count: number } | null | undefined> {
  if (!filtersOnlyTypes(filter)) return undefined;
  const [row] = await data.reader.rows<Service & { count: number }>(Prisma.sql`
    SELECT ${projection('services', 't')}, (${maintainedCount(Prisma.sql`t.sid`, filter)}) AS count
    FROM services t WHERE t.sid = ${serviceSid} AND t.account_sid = ${accountSid}`);
  if (!row) return null;
  const { count, ...service } = row;
  return { service, count: Number(count) };
}

/** The maintained number of bindings of `service` (an SQL expression), by type when filtered, under `extra` conditions. */
function maintainedCount(service: Prisma.Sql, filter: BindingFilter, extra: Prisma.Sql[] = []): Prisma.Sql {
  const conditions = [Prisma.sql`c.service_sid = ${service}`, ...extra];
  if (filter.bindingTypes?.length) conditions.push(Prisma.sql`c.binding_type = ANY(${[...filter.bindingTypes]}::text[]::binding_type[])`);
  return Prisma.sql`SELECT COALESCE(sum(c.count), 0)::int FROM binding_counts c WHERE ${Prisma.join(conditions, ' AND ')}`;
}

/**
 * Bindings by sid within the caller's account; unknown or foreign sids are
 * simply absent. (Raw SQL on this hot path: one statement text whatever the
 * number of sids, and half the client-side cost of the query builder.)
 */
export function getBindings(data: DataContext, accountSid: string, sids: readonly string[]): Promise<Binding[]> {
  const wanted = sidsOnly(sids);
  if (wanted.length === 0) return Promise.resolve([]);
  return data.reader.rows<Binding>(Prisma.sql`
    SELECT ${COLUMNS} FROM bindings t WHERE t.account_sid = ${accountSid} AND t.sid = ANY(${wanted}::text[])`);
}

export interface BindingLocation {
  serviceSid?: string | undefined;
  userSid?: string | undefined;
}

/** One binding of the caller's account by sid, optionally only under the given service or user; null when there is none. */
export async function getBinding(data: DataContext, accountSid: string, sid: string, where: BindingLocation = {}): Promise<Binding | null> {
  if (!isSid(sid, 'BS')) return null;
  const [row] = await data.reader.rows<Binding>(Prisma.sql`SELECT ${COLUMNS} FROM bindings t WHERE ${located(accountSid, sid, where)}`);
  return row ?? null;
}

/** Who deletes, through which front door: recorded with every deletion. */
export interface DeletionActor {
  caller: Caller;
  frontDoor: 'graphql' | 'rest';
  requestId?: string | undefined;
}

/**
 * Deletes one binding of the caller's account (optionally only under the given
 * service or user) and returns the row as it was. The delete and its audit row
 * are one statement, so neither can exist without the other. NotFoundError when
 * there is no such binding (including when a concurrent delete won the race);
 * ForbiddenError, before anything is touched, for a read-only credential.
 */
export async function deleteBinding(data: DataContext, actor: DeletionActor, sid: string, where: BindingLocation = {}): Promise<Binding> {
  const { caller } = actor;
  if (caller.scope !== 'read-write') throw new ForbiddenError('This credential is read-only: it cannot delete bindings');
  const [row] = await data.prisma.$queryRaw<Binding[]>`
    WITH deleted AS (
      DELETE FROM bindings AS t WHERE ${located(caller.accountSid, sid, where)} RETURNING t.*
    ), audit AS (
      INSERT INTO binding_deletions (sid, account_sid, credential_sid, front_door, request_id, binding_sid, service_sid, binding)
      SELECT ${newSid('DL')}, d.account_sid, ${caller.credentialSid}, ${actor.frontDoor}, ${actor.requestId ?? null}, d.sid, d.service_sid, to_jsonb(d)
      FROM deleted d
    )
    SELECT ${COLUMNS} FROM deleted AS t`;
  if (!row) throw new NotFoundError(`Binding ${sid} was not found`);
  return row;
}

/** Conditions on `t` for one binding of an account, optionally under a service or user. */
function located(accountSid: string, sid: string, where: BindingLocation): Prisma.Sql {
  const conditions = [Prisma.sql`t.account_sid = ${accountSid}`, Prisma.sql`t.sid = ${sid}`];
  if (where.serviceSid !== undefined) conditions.push(Prisma.sql`t.service_sid = ${where.serviceSid}`);
  if (where.userSid !== undefined) conditions.push(Prisma.sql`t.user_sid = ${where.userSid}`);
  return Prisma.join(conditions, ' AND ');
}
