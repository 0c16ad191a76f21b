import { Kind, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import { type Binding, type BindingFilter, type BindingParent, countBindings, listBindings } from '../../domain/bindings.js';
import { type CursorCodec, type CursorScope, type Page, type PageArgs, pageWindow } from '../../domain/paging.js';
import { countUsers, listUsers, type User } from '../../domain/users.js';
import type { GraphQLContext } from './context.js';

/**
 * A domain page as a Relay connection, with cursors for its scope and a lazy
 * total. Cursors are signed only when asked for: most queries select
 * `nodes` and at most `pageInfo.endCursor`.
 */
export function toConnection<T extends { sid: string }>(
  page: Page<T>,
  scope: CursorScope,
  cursors: CursorCodec,
  totalCount: () => Promise<number>,
) {
  const cursorOf = (node: T | undefined) => (node ? cursors.encode(scope, node.sid) : null);
  const { rows } = page;
  return {
    edges: rows.map((node) => ({
      node,
      get cursor() {
        return cursors.encode(scope, node.sid);
      },
    })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return cursorOf(rows[0]);
      },
      get endCursor() {
        return cursorOf(rows.at(-1));
      },
    },
    totalCount,
  };
}

/** The page arguments of a connection field, in a fixed shape (they are part of batch keys). */
export function pageArgsOf(args: PageArgs): PageArgs {
  return { first: args.first, after: args.after, last: args.last, before: args.before };
}

/**
 * The request's loader of binding pages under parents of one kind with the
 * same filter and page arguments: sibling parents share one statement, and a
 * page read ahead of time (graphql/prefetch.ts) is found here.
 */
export function bindingPages(ctx: GraphQLContext, parent: BindingParent, filter: BindingFilter, pageArgs: PageArgs) {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify([`${parent}.bindings`, filter.bindingTypes, filter.identities, pageArgsOf(pageArgs)]);
  return ctx.loaders.batch<Page<Binding>>(key, (parents) => listBindings(ctx.data, accountSid, parent, parents, filter, pageArgs));
}

/** The request's loader of binding counts under parents of one kind with the same filter. */
export function bindingCounts(ctx: GraphQLContext, parent: BindingParent, filter: BindingFilter) {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify([`${parent}.bindings.totalCount`, filter.bindingTypes, filter.identities]);
  return ctx.loaders.batch<number>(key, (parents) => countBindings(ctx.data, accountSid, parent, parents, filter));
}

/** The request's loader of user pages under services with the same page arguments. */
export function userPages(ctx: GraphQLContext, pageArgs: PageArgs) {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify(['service.users', pageArgsOf(pageArgs)]);
  return ctx.loaders.batch<Page<User>>(key, (parents) => listUsers(ctx.data, accountSid, parents, pageArgs));
}

/** The request's loader of user counts under services. */
export function userCounts(ctx: GraphQLContext) {
  const { accountSid } = ctx.caller;
  return ctx.loaders.batch<number>('service.users.totalCount', (parents) => countUsers(ctx.data, accountSid, parents));
}

const EMPTY_PAGE: Page<never> = { rows: [], hasNextPage: false, hasPreviousPage: false };

/**
 * A connection field's value: its page from `pages` and its total from
 * `counts` when selected. When nothing but `totalCount` is selected the page
 * is not read at all (its arguments are still checked, with the same errors).
 */
async function connection<T extends { sid: string }>(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  scope: CursorScope,
  pageArgs: PageArgs,
  pages: () => { load(parent: string): Promise<Page<T>> },
  counts: () => { load(parent: string): Promise<number> },
) {
  const totalCount = () => counts().load(scope.parent);
  if (info.fieldNodes.every(selectsOnlyTotalCount)) {
    pageWindow(pageArgs, scope, ctx.data.cursors);
    return toConnection<T>(EMPTY_PAGE, scope, ctx.data.cursors, totalCount);
  }
  return toConnection(await pages().load(scope.parent), scope, ctx.data.cursors, totalCount);
}

/** `bindings` under a service or a user. */
export function bindingsConnection(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  parent: BindingParent,
  parentSid: string,
  filter: BindingFilter,
  pageArgs: PageArgs,
) {
  return connection(
    ctx,
    info,
    { list: 'bindings', parent: parentSid },
    pageArgs,
    () => bindingPages(ctx, parent, filter, pageArgs),
    () => bindingCounts(ctx, parent, filter),
  );
}

/** `users` under a service. */
export function usersConnection(ctx: GraphQLContext, info: GraphQLResolveInfo, serviceSid: string, pageArgs: PageArgs) {
  return connection(
    ctx,
    info,
    { list: 'users', parent: serviceSid },
    pageArgs,
    () => userPages(ctx, pageArgs),
    () => userCounts(ctx),
  );
}

/** True when a connection field selects `totalCount` (and `__typename`) and nothing else, fragments included. */
export function selectsOnlyTotalCount(field: FieldNode): boolean {
  return (
    field.selectionSet?.selections.every(
      (s) => s.kind === Kind.FIELD && (s.name.value === 'totalCount' || s.name.value === '__typename'),
    ) ?? false
  );
}
