import { expect } from 'vitest';

/** Relay page arguments, as the connection documents of the suite take them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

/** The part of any connection of the schema that paging is about. */
export interface Connection {
  edges: Array<{ cursor: string; node: { sid: string } }>;
  pageInfo: PageInfo;
}

/** Fetches one page of one connection (a service's bindings, a user's bindings, …). */
export type FetchPage = (args: PageArgs) => Promise<Connection>;

export const sidsOf = (connection: Connection) => connection.edges.map((e) => e.node.sid);

/** What pageInfo must say about a page with these edges. */
function pageInfoFor(connection: Connection, flags: { hasNextPage: boolean; hasPreviousPage: boolean }): PageInfo {
  return { ...flags, startCursor: connection.edges[0]?.cursor ?? null, endCursor: connection.edges.at(-1)?.cursor ?? null };
}

/**
 * Walks the connection with `first: size` from the start, following
 * `endCursor`, and checks every page against `expected` (the whole list in
 * order): its rows, exact hasNextPage/hasPreviousPage, start/end cursors; then
 * that `after` the last row there is an empty page. Returns every page.
 */
export async function expectForwardWalk(fetch: FetchPage, expected: readonly string[], size: number): Promise<Connection[]> {
  const pageCount = Math.max(1, Math.ceil(expected.length / size));
  const pages: Connection[] = [];
  let after: string | null = null;
  for (let i = 0; i < pageCount; i++) {
    const page = await fetch({ first: size, after });
    expect(sidsOf(page), `forward page ${i} of size ${size}`).toEqual(expected.slice(i * size, (i + 1) * size));
    expect(page.pageInfo, `forward page ${i} of size ${size}`).toEqual(pageInfoFor(page, { hasNextPage: i < pageCount - 1, hasPreviousPage: i > 0 }));
    pages.push(page);
    after = page.pageInfo.endCursor ?? null;
  }
  expect(pages.flatMap(sidsOf)).toEqual(expected);
  expectDistinctCursors(pages);
  if (expected.length > 0) {
    const past = await fetch({ first: size, after });
    expect(sidsOf(past)).toEqual([]);
    expect(past.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  }
  return pages;
}

/**
 * Walks the connection with `last: size` from the end, following
 * `startCursor`, with the same checks as expectForwardWalk (mirrored).
 */
export async function expectBackwardWalk(fetch: FetchPage, expected: readonly string[], size: number): Promise<Connection[]> {
  const pageCount = Math.max(1, Math.ceil(expected.length / size));
  const pages: Connection[] = [];
  let before: string | null = null;
  for (let i = 0; i < pageCount; i++) {
    const page = await fetch({ last: size, before });
    const end = expected.length - i * size;
    expect(sidsOf(page), `backward page ${i} of size ${size}`).toEqual(expected.slice(Math.max(0, end - size), end));
    expect(page.pageInfo, `backward page ${i} of size ${size}`).toEqual(pageInfoFor(page, { hasNextPage: i > 0, hasPreviousPage: i < pageCount - 1 }));
    pages.push(page);
    before = page.pageInfo.startCursor ?? null;
  }
  expect([...pages].reverse().flatMap(sidsOf)).toEqual(expected);
  expectDistinctCursors(pages);
  if (expected.length > 0) {
    const past = await fetch({ last: size, before });
    expect(sidsOf(past)).toEqual([]);
    expect(past.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
  }
  return pages;
}

function expectDistinctCursors(pages: Connection[]) {
  const cursors = pages.flatMap((p) => p.edges.map((e) => e.cursor));
  for (const c of cursors) expect(typeof c === 'string' && c.length > 0).toBe(true);
  expect(new Set(cursors).size).toBe(cursors.length);
}
