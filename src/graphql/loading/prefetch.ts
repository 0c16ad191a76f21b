import { type FieldNode, getArgumentValues, getNamedType, GraphQLObjectType, type GraphQLResolveInfo, Kind } from 'graphql';
import { type BindingFilter, serviceWithBindingCount, serviceWithBindings } from '../../domain/bindings.js';
import type { PageArgs } from '../../domain/paging.js';
import { isSid } from '../../domain/sids.js';
import type { Service } from '../../domain/services.js';
import { serviceWithUsers } from '../../domain/users.js';
import { bindingCounts, bindingPages, pageArgsOf, selectsOnlyTotalCount, userPages } from './connection.js';
import type { GraphQLContext } from './context.js';

/**
 * `service(sid)` nearly always comes with one of its lists. Reading the
 * service and that list's page (or, when only `totalCount` is selected, its
 * count) in one statement saves a round trip; the results are left in the
 * request's loaders, where the list's own resolver finds them under the same
 * key. Anything this does not recognise (fragments, directives, invalid
 * arguments) simply takes the ordinary path, which also reports the errors.
 */
export async function loadServiceWithList(ctx: GraphQLContext, info: GraphQLResolveInfo, sid: string): Promise<Service | null> {
  // Only a well-formed sid reaches SQL; anything else is simply not found, as by the loader.
  const list = isSid(sid, 'IS') ? firstList(info, ['bindings', 'users']) : undefined;
  const { accountSid } = ctx.caller;
  let service: Service | null | undefined;
  if (list?.name === 'bindings') {
    const { bindingType, identity, ...pageArgs } = list.args as { bindingType?: BindingFilter['bindingTypes']; identity?: string[] | null } & PageArgs;
    const filter: BindingFilter = { bindingTypes: bindingType, identities: identity };
    if (selectsOnlyTotalCount(list.node)) {
      const found = await serviceWithBindingCount(ctx.data, accountSid, sid, filter);
      if (found) bindingCounts(ctx, 'service', filter).prime(sid, found.count);
      service = found === undefined ? undefined : (found?.service ?? null);
    } else {
      const found = await serviceWithBindings(ctx.data, accountSid, sid, filter, pageArgsOf(pageArgs));
      if (found?.parent) bindingPages(ctx, 'service', filter, pageArgs).prime(sid, found.page);
      service = found?.parent;
    }
  } else if (list?.name === 'users' && !selectsOnlyTotalCount(list.node)) {
    const found = await serviceWithUsers(ctx.data, accountSid, sid, pageArgsOf(list.args));
    if (found?.parent) userPages(ctx, list.args).prime(sid, found.page);
    service = found?.parent;
  }
  if (service === undefined) return ctx.loaders.service.load(sid);
  ctx.loaders.service.prime(sid, service);
  return service;
}

/** The first field among `names` selected directly (not in a fragment, without directives) under this field, with its argument values. */
function firstList(info: GraphQLResolveInfo, names: readonly string[]) {
  const type = getNamedType(info.returnType);
  if (!(type instanceof GraphQLObjectType)) return undefined;
  for (const fieldNode of info.fieldNodes) {
    for (const selection of fieldNode.selectionSet?.selections ?? []) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length) continue;
      const name = selection.name.value;
      const definition = type.getFields()[name];
      if (!names.includes(name) || !definition) continue;
      try {
        return { name, node: selection as FieldNode, args: getArgumentValues(definition, selection, info.variableValues) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
