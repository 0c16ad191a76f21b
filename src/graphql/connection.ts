import { type BindingFilter, type BindingParent, countBindings, listBindings } from '../domain/bindings.js';
import type { CursorCodec, CursorScope, Page, PageArgs } from '../domain/paging.js';
import type { GraphQLContext } from './context.js';

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

/**
 * `bindings` under a service or a user: sibling parents asking with the same
 * arguments share one page query and, when selected, one count query.
 */
export async function bindingsConnection(
  ctx: GraphQLContext,
  parent: BindingParent,
  parentSid: string,
  filter: BindingFilter,
  pageArgs: PageArgs,
) {
  const { accountSid } = ctx.caller;
  const field = `${parent}.bindings`;
  const page = await ctx.loaders
    .batch(batchKey(field, { filter, pageArgs }), (parents) =>
      listBindings(ctx.data, accountSid, parent, parents, filter, pageArgs),
    )
    .load(parentSid);
  return toConnection(page, { list: 'bindings', parent: parentSid }, ctx.data.cursors, () =>
    ctx.loaders
      .batch(batchKey(`${field}.totalCount`, filter), (parents) => countBindings(ctx.data, accountSid, parent, parents, filter))
      .load(parentSid),
  );
}
