import type { GraphQLResolveInfo } from 'graphql';
import {
  type Binding,
  type BindingFilter,
  type BindingOrder,
  type BindingParent,
  checkBindingPageArgs,
  countBindings,
  listBindingsBatch,
} from '../../domain/bindings.js';
import type { Page, PageArgs } from '../../domain/paging.js';
import { checkUserPageArgs, countUsers, listUsersBatch, type User } from '../../domain/users.js';
import type { GraphQLContext } from './context.js';
import { objectTypeOf, selectsOnlyTotalCount } from './selection.js';

/**
 * A domain page as a Relay connection, with a lazy total. Cursors are signed
 * only when asked for: most queries select `nodes` and at most
 * `pageInfo.endCursor`.
 */
export function toConnection<T extends { sid: string }>(page: Page<T>, totalCount: () => Promise<number>) {
  const { rows } = page;
  const cursorOf = (node: T | undefined) => (node ? page.cursorOf(node) : null);
  return {
    edges: rows.map((node) => ({
      node,
      get cursor() {
        return page.cursorOf(node);
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

/** A filter in a fixed shape, for batch keys (Dates as ISO strings). */
function filterKey(filter: BindingFilter): unknown[] {
  return [
    filter.bindingTypes,
    filter.identities,
    filter.identityPrefix,
    filter.credentialSids,
    filter.createdAfter,
    filter.createdBefore,
    filter.updatedAfter,
    filter.updatedBefore,
  ];
}

/**
 * The request's loader of binding pages under parents of one kind with the
 * same filter, order and page arguments: sibling parents share one statement,
 * and a page read ahead of time (prefetch.ts) is found here.
 */
export function bindingPages(ctx: GraphQLContext, parent: BindingParent, filter: BindingFilter, pageArgs: PageArgs, order: BindingOrder = 'SID_ASC') {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify([`${parent}.bindings`, filterKey(filter), order, pageArgsOf(pageArgs)]);
  return ctx.loaders.batch<Page<Binding>>(key, (parents) => listBindingsBatch(ctx.data, accountSid, parent, parents, filter, pageArgs, order));
}

/** The request's loader of binding counts under parents of one kind with the same filter. */
export function bindingCounts(ctx: GraphQLContext, parent: BindingParent, filter: BindingFilter) {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify([`${parent}.bindings.totalCount`, filterKey(filter)]);
  return ctx.loaders.batch<number>(key, (parents) => countBindings(ctx.data, accountSid, parent, parents, filter));
}

/** The request's loader of user pages under services with the same page arguments. */
export function userPages(ctx: GraphQLContext, pageArgs: PageArgs) {
  const { accountSid } = ctx.caller;
  const key = JSON.stringify(['service.users', pageArgsOf(pageArgs)]);
  return ctx.loaders.batch<Page<User>>(key, (parents) => listUsersBatch(ctx.data, accountSid, parents, pageArgs));
}

/** The request's loader of user counts under services. */
export function userCounts(ctx: GraphQLContext) {
  const { accountSid } = ctx.caller;
  return ctx.loaders.batch<number>('service.users.totalCount', (parents) => countUsers(ctx.data, accountSid, parents));
}

/** The page of a connection that selects only its total: no rows, so no cursor is ever asked of it. */
const NO_ROWS: Page<never> = {
  rows: [],
  hasNextPage: false,
  hasPreviousPage: false,
  cursorOf: () => {
    throw new Error('a page without rows has no cursors');
  },
};

/**
 * A connection field's value: its page from `pages` and its total from
 * `counts` when selected. When nothing but `totalCount` is selected the page
 * is not read at all (its arguments are still checked, with the same errors).
 */
async function connection<T extends { sid: string }>(
  info: GraphQLResolveInfo,
  parentSid: string,
  checkArgs: () => void,
  pages: () => { load(parent: string): Promise<Page<T>> },
  counts: () => { load(parent: string): Promise<number> },
) {
  const totalCount = () => counts().load(parentSid);
  if (selectsOnlyTotalCount(info, info.fieldNodes, objectTypeOf(info.returnType))) {
    checkArgs();
    return toConnection<T>(NO_ROWS, totalCount);
  }
  return toConnection(await pages().load(parentSid), totalCount);
}

/** `bindings` under a service or a user. */
export function bindingsConnection(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  parent: BindingParent,
  parentSid: string,
  filter: BindingFilter,
  pageArgs: PageArgs,
  order: BindingOrder = 'SID_ASC',
) {
  return connection(
    info,
    parentSid,
    () => checkBindingPageArgs(ctx.data, parentSid, pageArgs, order),
    () => bindingPages(ctx, parent, filter, pageArgs, order),
    () => bindingCounts(ctx, parent, filter),
  );
}

/** `users` under a service. */
export function usersConnection(ctx: GraphQLContext, info: GraphQLResolveInfo, serviceSid: string, pageArgs: PageArgs) {
  return connection(
    info,
    serviceSid,
    () => checkUserPageArgs(ctx.data, serviceSid, pageArgs),
    () => userPages(ctx, pageArgs),
    () => userCounts(ctx),
  );
}
