import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { type CursorScope, type Page, type PageArgs, type PageWindow, pageWindow } from './paging.js';

/**
 * A list of rows of one table, ordered by `sid`, under parents named by one
 * column (e.g. bindings by `service_sid`). Table and column names come from
 * code, never from input.
 */
export interface KeysetList {
  table: string;
  parentColumn: string;
  /** Projection of the table alias `t`, with camelCase aliases matching the Prisma model. */
  columns: Prisma.Sql;
  /** Extra conditions on `t` (account scope, filters), joined with AND. */
  where: Prisma.Sql[];
}

/**
 * Where the parents of a list come from when their own rows are wanted in the
 * same statement (e.g. a service together with its first page of bindings):
 * the parent table, conditions on its alias `pt` (the account scope), and a
 * projection of alias `p` whose column aliases start with `p.`.
 */
export interface ParentTable {
  table: string;
  where: Prisma.Sql[];
  columns: Prisma.Sql;
}

/** Pages by parent key, and (with a ParentTable) the parent rows found. */
export interface KeysetResult<Row, Parent> {
  pages: Map<string, Page<Row>>;
  parents: Map<string, Parent>;
}

/**
 * One statement for the pages of many parents at once (a LATERAL join per
 * parent), so nested connections cost the same whatever the page sizes.
 * `pageInfo` is exact: one extra row tells whether more follow, and an index
 * probe on the cursor's far side tells whether rows precede it (even when the
 * cursor's own row has been deleted). With `parentTable`, the parents are read
 * from it in the same statement: a parent missing there (unknown, or outside
 * its conditions) gets neither a row nor a page.
 */
export async function keysetPages<Row extends { sid: string }, Parent = never>(
  prisma: PrismaClient,
  list: KeysetList,
  parents: readonly string[],
  window: PageWindow,
  parentTable?: ParentTable,
): Promise<KeysetResult<Row, Parent>> {
  const result: KeysetResult<Row, Parent> = { pages: new Map(), parents: new Map() };
  if (parents.length === 0) return result;

  const t = Prisma.raw(list.table);
  const parentCol = Prisma.raw(`t.${list.parentColumn}`);
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
    ? Prisma.sql`(SELECT pt.sid AS parent_key, pt.* FROM ${Prisma.raw(parentTable.table)} pt
        WHERE ${Prisma.join([Prisma.sql`pt.sid = ANY(${[...parents]}::text[])`, ...parentTable.where], ' AND ')}) AS p`
    : Prisma.sql`unnest(${[...parents]}::text[]) AS p(parent_key)`;

  const rows = await prisma.$queryRaw<Array<Row & { __parent: string; __far: boolean; __present: boolean }>>`
    SELECT p.parent_key AS "__parent", ${parentTable ? Prisma.sql`${parentTable.columns},` : Prisma.empty}
      ${farCursor ? Prisma.sql`f.found IS NOT NULL` : Prisma.sql`false`} AS "__far", r.sid IS NOT NULL AS "__present", r.*
    FROM ${source}
    ${farProbe}
    LEFT JOIN LATERAL (
      SELECT ${list.columns} FROM ${t} t
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY t.sid ${order}
      LIMIT ${window.size + 1}
    ) r ON true`;

  const grouped = new Map<string, { rows: Row[]; far: boolean }>();
  if (!parentTable) for (const parent of parents) grouped.set(parent, { rows: [], far: false });
  for (const { __parent, __far, __present, ...columns } of rows) {
    let entry = grouped.get(__parent);
    if (!entry && parentTable) {
      entry = { rows: [], far: false };
      grouped.set(__parent, entry);
      result.parents.set(__parent, prefixed(columns, 'p.') as Parent);
    }
    if (!entry) continue;
    entry.far = __far;
    if (__present) entry.rows.push((parentTable ? unprefixed(columns) : columns) as unknown as Row);
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

/** The columns aliased `<prefix>name`, as { name }. */
function prefixed(columns: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key in columns) if (key.startsWith(prefix)) row[key.slice(prefix.length)] = columns[key];
  return row;
}

/** The columns without a `p.` alias (the list's own). */
function unprefixed(columns: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key in columns) if (!key.startsWith('p.')) row[key] = columns[key];
  return row;
}

/** Row counts per parent under the list's conditions (the same filters as its pages). */
export async function keysetCounts(
  prisma: PrismaClient,
  list: KeysetList,
  parents: readonly string[],
): Promise<Map<string, number>> {
  if (parents.length === 0) return new Map();
  const t = Prisma.raw(list.table);
  const parentCol = Prisma.raw(`t.${list.parentColumn}`);
  const conditions = [Prisma.sql`${parentCol} = p.parent_key`, ...list.where];
  const rows = await prisma.$queryRaw<Array<{ parent: string; count: number }>>`
    SELECT p.parent_key AS parent,
           (SELECT count(*)::int FROM ${t} t WHERE ${Prisma.join(conditions, ' AND ')}) AS count
    FROM unnest(${[...parents]}::text[]) AS p(parent_key)`;
  return new Map(rows.map((r) => [r.parent, Number(r.count)]));
}

function boundConditions(window: PageWindow): Prisma.Sql[] {
  const bounds: Prisma.Sql[] = [];
  if (window.afterSid !== undefined) bounds.push(Prisma.sql`t.sid > ${window.afterSid}`);
  if (window.beforeSid !== undefined) bounds.push(Prisma.sql`t.sid < ${window.beforeSid}`);
  return bounds;
}

/**
 * Pages of `list` under each parent for the same Relay arguments. A cursor is
 * valid under one parent only, so each parent's window is checked on its own:
 * a parent whose cursor does not belong to it gets a BadInputError, the rest
 * share one statement.
 */
export async function listPages<Row extends { sid: string }>(
  data: DataContext,
  list: KeysetList,
  listName: CursorScope['list'],
  parents: readonly string[],
  args: PageArgs,
): Promise<Map<string, Page<Row> | Error>> {
  const results = new Map<string, Page<Row> | Error>();
  const valid: string[] = [];
  let window: PageWindow | undefined;
  for (const parent of parents) {
    try {
      window = pageWindow(args, { list: listName, parent }, data.cursors);
      valid.push(parent);
    } catch (err) {
      results.set(parent, err as Error);
    }
  }
  if (window) {
    for (const [parent, page] of (await keysetPages<Row>(data.prisma, list, valid, window)).pages) results.set(parent, page);
  }
  return results;
}

/**
 * One parent's row from `parentTable` and its page of `list`, in one
 * statement: `{ parent: null }` when the parent is unknown (or outside the
 * table's conditions). Undefined when the arguments are invalid for this
 * parent; the caller then asks listPages, which reports why.
 */
export async function pageWithParent<Row extends { sid: string }, Parent>(
  data: DataContext,
  list: KeysetList,
  listName: CursorScope['list'],
  parentTable: ParentTable,
  parent: string,
  args: PageArgs,
): Promise<{ parent: Parent; page: Page<Row> } | { parent: null } | undefined> {
  let window: PageWindow;
  try {
    window = pageWindow(args, { list: listName, parent }, data.cursors);
  } catch {
    return undefined;
  }
  const { pages, parents } = await keysetPages<Row, Parent>(data.prisma, list, [parent], window, parentTable);
  const row = parents.get(parent);
  const page = pages.get(parent);
  return row && page ? { parent: row, page } : { parent: null };
}
