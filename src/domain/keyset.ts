import { Prisma } from '../generated/prisma/client.js';
import type { DataContext, SqlReader } from './data-context.js';
import type { BadInputError } from './errors.js';
import { type CursorScope, type Page, type PageArgs, type PageWindow, type Position, pageWindow } from './paging.js';
import { type ParentKey, parentKeySql, pickFields, projection, type Table, tableSql } from './tables.js';

/**
 * The order of a list: by `sid`, or by a timestamp column and then `sid`
 * (unique, so every row has one place); ascending or descending. Paging is a
 * keyset on that pair, so an index on (parent key, column, sid) serves every
 * page of the order in both directions.
 */
export interface ListOrder {
  /** The order's name in cursors; absent for sid ascending (the default). */
  name?: string;
  /** The column ordered by before sid, and the row field that holds it. */
  key?: { column: 'date_created' | 'date_updated'; field: 'dateCreated' | 'dateUpdated' };
  descending: boolean;
}

export const SID_ASCENDING: ListOrder = { descending: false };

/**
 * A list of rows of one table, in one order, under parents named by one of
 * its parent keys (e.g. bindings under `service_sid`). Its cursors are valid
 * only for the same list name, order and parent.
 */
export type KeysetList = {
  [T in Table]: {
    table: T;
    parentKey: ParentKey<T>;
    /** What the list's cursors are signed for (with the parent's sid and the order). */
    name: CursorScope['list'];
    /** Extra conditions on `t` (account scope, filters), joined with AND. */
    where: Prisma.Sql[];
    /** Sid ascending when absent. */
    order?: ListOrder | undefined;
  };
}[Table];

/**
 * Where the parents of a list come from when their own rows are wanted in the
 * same statement (e.g. a service together with its first page of bindings):
 * the parent table and conditions on its alias `pt` (the account scope).
 */
export interface ParentTable {
  table: Table;
  where: Prisma.Sql[];
}

/** A page's rows and neighbours, before it gets its cursors. */
interface RowsPage<Row> {
  rows: Row[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** Pages by parent key, and (with a ParentTable) the parent rows found. */
interface KeysetResult<Row, Parent> {
  pages: Map<string, RowsPage<Row>>;
  parents: Map<string, Parent>;
}

/** Columns the statement adds to every row, beside the list's (and the parent's) own. */
interface RowMarks {
  /** The parent the row is listed under. */
  __parent: string;
  /** Whether a row lies beyond the cursor on the far side of the page. */
  __far: boolean;
  /** False for the one row a parent without rows in the page still gets. */
  __present: boolean;
}

/** The parent's columns are aliased with this prefix in a joined row. */
const PARENT_PREFIX = 'p.';

/**
 * One statement for the pages of many parents at once (a LATERAL join per
 * parent), so nested connections cost the same whatever the page sizes.
 * `pageInfo` is exact: one extra row tells whether more follow, and an index
 * probe on the cursor's far side tells whether rows precede it (even when the
 * cursor's own row has been deleted). With `parentTable`, the parents are read
 * from it in the same statement: a parent missing there (unknown, or outside
 * its conditions) gets neither a row nor a page.
 */
async function keysetPages<Row, Parent = never>(
  reader: SqlReader,
  list: KeysetList,
  parents: readonly string[],
  window: PageWindow,
  parentTable?: ParentTable,
): Promise<KeysetResult<Row, Parent>> {
  const result: KeysetResult<Row, Parent> = { pages: new Map(), parents: new Map() };
  if (parents.length === 0) return result;

  const t = tableSql(list.table);
  const order = list.order ?? SID_ASCENDING;
  const parentCol = parentKeySql(list.table, list.parentKey, 't');
  const bounds = boundConditions(order, window);
  const conditions = [Prisma.sql`${parentCol} = p.parent_key`, ...list.where, ...bounds];
  // Forward pages read in the list's order, backward ones against it.
  const scanDescending = order.descending === window.forward;

  // The "far side" of the page: is there a row at or before `after` when
  // going forward, or at or after `before` when going backward? One index
  // probe per parent, joined before the page (in the select list it would run
  // once per row of the page).
  const farCursor = window.forward ? window.after : window.before;
  const farProbe = farCursor
    ? Prisma.sql`LEFT JOIN LATERAL (
        SELECT true AS found FROM ${t} t
        WHERE ${Prisma.join(
          [Prisma.sql`${parentCol} = p.parent_key`, ...list.where, beyond(order, farCursor, window.forward ? 'before' : 'after', true)],
          ' AND ',
        )}
        ORDER BY ${orderBy(order, !scanDescending)}
        LIMIT 1
      ) f ON true`
    : Prisma.empty;
  const source = parentTable
    ? Prisma.sql`(SELECT pt.sid AS parent_key, pt.* FROM ${tableSql(parentTable.table)} pt
        WHERE ${Prisma.join([Prisma.sql`pt.sid = ANY(${[...parents]}::text[])`, ...parentTable.where], ' AND ')}) AS p`
    : Prisma.sql`unnest(${[...parents]}::text[]) AS p(parent_key)`;
  const parentColumns = parentTable ? Prisma.sql`${projection(parentTable.table, 'p', PARENT_PREFIX)},` : Prisma.empty;

  const rows = await reader.rows<RowMarks & Record<string, unknown>>(Prisma.sql`
    SELECT p.parent_key AS "__parent", ${parentColumns}
      ${farCursor ? Prisma.sql`f.found IS NOT NULL` : Prisma.sql`false`} AS "__far", r.sid IS NOT NULL AS "__present", r.*
    FROM ${source}
    ${farProbe}
    LEFT JOIN LATERAL (
      SELECT ${projection(list.table, 't')} FROM ${t} t
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY ${orderBy(order, scanDescending)}
      LIMIT ${window.size + 1}
    ) r ON true`);

  const grouped = new Map<string, { rows: Row[]; far: boolean }>();
  if (!parentTable) for (const parent of parents) grouped.set(parent, { rows: [], far: false });
  for (const row of rows) {
    let entry = grouped.get(row.__parent);
    if (!entry && parentTable) {
      entry = { rows: [], far: false };
      grouped.set(row.__parent, entry);
      result.parents.set(row.__parent, pickFields<Parent>(parentTable.table, row, PARENT_PREFIX));
    }
    if (!entry) continue;
    entry.far = row.__far;
    if (row.__present) entry.rows.push(pickFields<Row>(list.table, row));
  }
  for (const [parent, { rows: found, far }] of grouped) {
    const more = found.length > window.size;
    const page = found.slice(0, window.size);
    if (!window.forward) page.reverse();
    result.pages.set(parent, {
      rows: page,
      hasNextPage: window.forward ? more : far,
      hasPreviousPage: window.forward ? far : more,
    });
  }
  return result;
}

function boundConditions(order: ListOrder, window: PageWindow): Prisma.Sql[] {
  const bounds: Prisma.Sql[] = [];
  if (window.after !== undefined) bounds.push(beyond(order, window.after, 'after', false));
  if (window.before !== undefined) bounds.push(beyond(order, window.before, 'before', false));
  return bounds;
}

/**
 * Rows of `t` after (or before) `position` in the list's order, optionally
 * the position itself too: a row comparison on (key, sid), which the index on
 * (parent key, key, sid) answers as a range.
 */
function beyond(order: ListOrder, position: Position, side: 'after' | 'before', inclusive: boolean): Prisma.Sql {
  const greater = (side === 'after') !== order.descending;
  const operator = Prisma.raw(`${greater ? '>' : '<'}${inclusive ? '=' : ''}`);
  if (!order.key) return Prisma.sql`t.sid ${operator} ${position.sid}`;
  const column = Prisma.raw(`t.${order.key.column}`);
  return Prisma.sql`(${column}, t.sid) ${operator} (${position.key}::timestamp(3), ${position.sid})`;
}

function orderBy(order: ListOrder, descending: boolean): Prisma.Sql {
  const direction = descending ? 'DESC' : 'ASC';
  return Prisma.raw(order.key ? `t.${order.key.column} ${direction}, t.sid ${direction}` : `t.sid ${direction}`);
}

function scopeOf(list: KeysetList, parent: string): CursorScope {
  return { list: list.name, parent, order: list.order?.name, keyed: list.order?.key !== undefined };
}

/** A row's position in the list's order. */
function positionOf(order: ListOrder | undefined, row: Record<string, unknown>): Position {
  const key = order?.key ? (row[order.key.field] as Date).toISOString() : undefined;
  return { sid: row.sid as string, key };
}

/** A page with the cursors of its list and parent. */
function withCursors<Row>(data: DataContext, list: KeysetList, parent: string, page: RowsPage<Row>): Page<Row> {
  const scope = scopeOf(list, parent);
  return { ...page, cursorOf: (row) => data.cursors.encode(scope, positionOf(list.order, row as Record<string, unknown>)) };
}

/** The keyset window of `args` on one parent's list; BadInputError when they are invalid there (e.g. another list's or order's cursor). */
function windowOf(data: DataContext, list: KeysetList, parent: string, args: PageArgs): PageWindow {
  return pageWindow(args, scopeOf(list, parent), data.cursors);
}

/** Checks the page arguments of `list` under one parent without reading it: the same BadInputError as listPage would throw. */
export function checkPageArgs(data: DataContext, list: KeysetList, parent: string, args: PageArgs): void {
  windowOf(data, list, parent, args);
}

/** One page of `list` under one parent; BadInputError for invalid arguments. */
export async function listPage<Row>(data: DataContext, list: KeysetList, parent: string, args: PageArgs): Promise<Page<Row>> {
  const window = windowOf(data, list, parent, args);
  const page = (await keysetPages<Row>(data.reader, list, [parent], window)).pages.get(parent)!;
  return withCursors(data, list, parent, page);
}

/**
 * Pages of `list` under many parents for the same Relay arguments, in one
 * statement (for loaders). A cursor is valid under one parent only, so each
 * parent's window is checked on its own: a parent whose cursor does not
 * belong to it gets its BadInputError in place of a page.
 */
export async function listPages<Row>(
  data: DataContext,
  list: KeysetList,
  parents: readonly string[],
  args: PageArgs,
): Promise<Map<string, Page<Row> | BadInputError>> {
  const results = new Map<string, Page<Row> | BadInputError>();
  const valid: string[] = [];
  let window: PageWindow | undefined;
  for (const parent of parents) {
    try {
      window = windowOf(data, list, parent, args);
      valid.push(parent);
    } catch (err) {
      results.set(parent, err as BadInputError);
    }
  }
  if (window) {
    for (const [parent, page] of (await keysetPages<Row>(data.reader, list, valid, window)).pages) {
      results.set(parent, withCursors(data, list, parent, page));
    }
  }
  return results;
}

/**
 * One parent's row from `parentTable` and its page of `list`, in one
 * statement: `{ parent: null }` when the parent is unknown (or outside the
 * table's conditions). Undefined when the arguments are invalid for this
 * parent; the caller then asks listPage, which reports why.
 */
export async function pageWithParent<Row, Parent>(
  data: DataContext,
  list: KeysetList,
  parentTable: ParentTable,
  parent: string,
  args: PageArgs,
): Promise<{ parent: Parent; page: Page<Row> } | { parent: null } | undefined> {
  let window: PageWindow;
  try {
    window = windowOf(data, list, parent, args);
  } catch {
    return undefined;
  }
  const { pages, parents } = await keysetPages<Row, Parent>(data.reader, list, [parent], window, parentTable);
  const row = parents.get(parent);
  const page = pages.get(parent);
  return row && page ? { parent: row, page: withCursors(data, list, parent, page) } : { parent: null };
}

/** Row counts per parent under the list's conditions (the same filters as its pages). */
export async function keysetCounts(reader: SqlReader, list: KeysetList, parents: readonly string[]): Promise<Map<string, number>> {
  if (parents.length === 0) return new Map();
  const conditions = [Prisma.sql`${parentKeySql(list.table, list.parentKey, 't')} = p.parent_key`, ...list.where];
  const rows = await reader.rows<{ parent: string; count: number }>(Prisma.sql`
    SELECT p.parent_key AS parent,
           (SELECT count(*)::int FROM ${tableSql(list.table)} t WHERE ${Prisma.join(conditions, ' AND ')}) AS count
    FROM unnest(${[...parents]}::text[]) AS p(parent_key)`);
  return new Map(rows.map((r) => [r.parent, Number(r.count)]));
}
