import type { CursorCodec, CursorScope, Page } from '../domain/paging.js';

/** A domain page as a Relay connection, with cursors for its scope and a lazy total. */
export function toConnection<T extends { sid: string }>(
  page: Page<T>,
  scope: CursorScope,
  cursors: CursorCodec,
  totalCount: () => Promise<number>,
) {
  const edges = page.rows.map((node) => ({ cursor: cursors.encode(scope, node.sid), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** A stable key for a batch of connection fields that share their arguments. */
export function batchKey(field: string, args: object): string {
  return `${field}:${JSON.stringify(args)}`;
}
