import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import type { BadInputError } from './errors.js';
import { type CursorScope, type Page, type PageArgs, type PageWindow, pageWindow } from './paging.js';
import { type ParentKey, parentKeySql, pickFields, projection, type Table, tableSql } from './tables.js';

/**
 * A list of rows of one table, ordered by `sid`, under parents named by one
 * of its parent keys (e.g. bindings under `service_sid`). Its cursors are
 * valid only for the same list name and parent.
 */
export type KeysetList = {
  [T in Table]: {
    table: T;
    parentKey: ParentKey<T>;
    /** What the list's cursors are signed for (with the parent's sid). */
    name: CursorScope['list'];
    /** Extra conditions on `t` (account scope, filters), joined with AND. */
    where: Prisma.Sql[];
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
  prisma: PrismaClient,
  list: KeysetList,
  parents: readonly string[],
  window: PageWindow,
  parentTable?: ParentTable,
): Promise<KeysetResult<Row, Parent>> {
  const result: KeysetResult<Row, Parent> = { pages: new Map(), parents: new Map() };
  if (parents.length === 0) return result;

  const t = tableSql(list.table);
  const parentCol = parentKeySql(list.table, list.parentKey, 't');
  const bounds = boundConditions(window);
  const conditions = [Prisma.sql`${parentCol} = p.parent_key`, ...list.where, ...bounds];
  const order = Prisma.raw(window.forward ? 'ASC' : 'DESC');

  // The "far side" of the page: is there a row before `after` when going
  // forward, or from `before` on when going backward? One index probe per
  // parent, joined before the page (in the select list it would run once per
  // row of the page).
  const farCursor = window.forward ? window.afterSid : window.beforeSid;
  const farProbe = farCursor
    ? Prisma.sql`LEFT JOIN LATERAL (
        SELECT true AS found FROM ${t} t
        WHERE ${Prisma.join(
          [Prisma.sql`${parentCol} = p.parent_key`, ...list.where, window.forward ? Prisma.sql`t.sid <= ${farCursor}` : Prisma.sql`t.sid >= ${farCursor}`],
          ' AND ',
        )}
        ORDER BY t.sid ${Prisma.raw(window.forward ? 'DESC' : 'ASC')}
        LIMIT 1
      ) f ON true`
    : Prisma.empty;
  const source = parentTable
    ? Prisma.sql`(SELECT pt.sid AS parent_key, pt.* FROM ${tableSql(parentTable.table)} pt
        WHERE ${Prisma.join([Prisma.sql`pt.sid = ANY(${[...parents]}::text[])`, ...parentTable.where], ' AND ')}) AS p`
    : Prisma.sql`unnest(${[...parents]}::text[]) AS p(parent_key)`;
  const parentColumns = parentTable ? Prisma.sql`${projection(parentTable.table, 'p', PARENT_PREFIX)},` : Prisma.empty;

  const rows = await prisma.$queryRaw<Array<RowMarks & Record<string, unknown>>>`
    SELECT p.parent_key AS "__parent", ${parentColumns}
      ${farCursor ? Prisma.sql`f.found IS NOT NULL` : Prisma.sql`false`} AS "__far", r.sid IS NOT NULL AS "__present", r.*
    FROM ${source}
    ${farProbe}
    LEFT JOIN LATERAL (
      SELECT ${projection(list.table, 't')} FROM ${t} t
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY t.sid ${order}
      LIMIT ${window.size + 1}
    ) r ON true`;

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

function boundConditions(window: PageWindow): Prisma.Sql[] {
  const bounds: Prisma.Sql[] = [];
  if (window.afterSid !== undefined) bounds.push(Prisma.sql`t.sid > ${window.afterSid}`);
  if (window.beforeSid !== undefined) bounds.push(Prisma.sql`t.sid < ${window.beforeSid}`);
  return bounds;
}

/** A page with the cursors of its list and parent. */
function withCursors<Row>(data: DataContext, scope: CursorScope, page: RowsPage<Row>): Page<Row> {
  return { ...page, cursorOf: (sid) => data.cursors.encode(scope, sid) };
}

/** The keyset window of `args` on one parent's list; BadInputError when they are invalid there (e.g. another list's cursor). */
function windowOf(data: DataContext, list: KeysetList, parent: string, args: PageArgs): PageWindow {
  return pageWindow(args, { list: list.name, parent }, data.cursors);
}

/** Checks the page arguments of the list `name` under one parent without reading it: the same BadInputError as listPage would throw. */
export function checkPageArgs(data: DataContext, name: KeysetList['name'], parent: string, args: PageArgs): void {
  pageWindow(args, { list: name, parent }, data.cursors);
}

/** One page of `list` under one parent; BadInputError for invalid arguments. */
export async function listPage<Row>(data: DataContext, list: KeysetList, parent: string, args: PageArgs): Promise<Page<Row>> {
  const window = windowOf(data, list, parent, args);
  const page = (await keysetPages<Row>(data.prisma, list, [parent], window)).pages.get(parent)!;
  return withCursors(data, { list: list.name, parent }, page);
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
    for (const [parent, page] of (await keysetPages<Row>(data.prisma, list, valid, window)).pages) {
      results.set(parent, withCursors(data, { list: list.name, parent }, page));
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
  const { pages, parents } = await keysetPages<Row, Parent>(data.prisma, list, [parent], window, parentTable);
  const row = parents.get(parent);
  const page = pages.get(parent);
  return row && page ? { parent: row, page: withCursors(data, { list: list.name, parent }, page) } : { parent: null };
}

/** Row counts per parent under the list's conditions (the same filters as its pages). */
export async function keysetCounts(prisma: PrismaClient, list: KeysetList, parents: readonly string[]): Promise<Map<string, number>> {
  if (parents.length === 0) return new Map();
  const conditions = [Prisma.sql`${parentKeySql(list.table, list.parentKey, 't')} = p.parent_key`, ...list.where];
  const rows = await prisma.$queryRaw<Array<{ parent: string; count: number }>>`
    SELECT p.parent_key AS parent,
           (SELECT count(*)::int FROM ${tableSql(list.table)} t WHERE ${Prisma.join(conditions, ' AND ')}) AS count
    FROM unnest(${[...parents]}::text[]) AS p(parent_key)`;
  return new Map(rows.map((r) => [r.parent, Number(r.count)]));
}
