import { type FieldNode, type GraphQLResolveInfo, getArgumentValues } from 'graphql';
import { type BindingOrder, serviceWithBindingCount, serviceWithBindings } from '../../domain/bindings.js';
import { BadInputError } from '../../domain/errors.js';
import type { PageArgs } from '../../domain/paging.js';
import type { Service } from '../../domain/services.js';
import { isSid } from '../../domain/sids.js';
import { isEmptyFilter, serviceWithStats } from '../../domain/stats.js';
import { serviceWithUsers } from '../../domain/users.js';
import { type BindingListArgs, bindingFilterOf } from './binding-args.js';
import { bindingCounts, bindingPages, pageArgsOf, userPages } from './connection.js';
import type { GraphQLContext } from './context.js';
import { objectTypeOf, selectsOnlyTotalCount, subfields } from './selection.js';
import { selectedStatsParts, statsSource } from './stats.js';

/**
 * `service(sid)` nearly always comes with one of its lists. Reading the
 * service and that list's page (or, when only `totalCount` is selected, its
 * count; or its unfiltered statistics) in one statement saves a round trip; the results are left in the
 * request's loaders, where the list's own resolver finds them under the same
 * key. The list is found the way execution finds it (through fragments, with
 * @skip/@include applied), so a document costs the same however it is
 * written. Invalid arguments take the ordinary path, which reports them.
 */
export async function loadServiceWithList(ctx: GraphQLContext, info: GraphQLResolveInfo, sid: string): Promise<Service | null> {
  // Only a well-formed sid reaches SQL; anything else is simply not found, as by the loader.
  const list = ctx.readAhead && isSid(sid, 'IS') ? firstList(info, ['bindings', 'users', 'bindingStats']) : undefined;
  const { accountSid } = ctx.caller;
  let service: Service | null | undefined;
  if (list?.name === 'bindings') {
    const { first, after, last, before, orderBy, ...rest } = list.args as BindingListArgs & PageArgs & { orderBy?: BindingOrder | null };
    const pageArgs = { first, after, last, before };
    const order = orderBy ?? 'SID_ASC';
    const filter = bindingFilterOf(rest);
    if (list.onlyTotalCount) {
      const found = await serviceWithBindingCount(ctx.data, accountSid, sid, filter);
      if (found) bindingCounts(ctx, 'service', filter).prime(sid, found.count);
      service = found === undefined ? undefined : (found?.service ?? null);
    } else {
      const found = await serviceWithBindings(ctx.data, accountSid, sid, filter, pageArgs, order);
      if (found?.parent) bindingPages(ctx, 'service', filter, pageArgs, order).prime(sid, found.page);
      service = found?.parent;
    }
  } else if (list?.name === 'bindingStats' && list.type) {
    // Unfiltered statistics come from the service's counters: read with the service row itself.
    const filter = bindingFilterOf(list.args as BindingListArgs);
    const parts = isEmptyFilter(filter) ? selectedStatsParts(info, list.nodes, list.type) : [];
    if (parts.length) {
      const found = await serviceWithStats(ctx.data, accountSid, sid, parts);
      if (found) {
        const source = statsSource(ctx, { accountSid, parent: 'service', parentSid: sid, filter });
        parts.forEach((part, i) => {
          const answer = found.answers[i];
          if (!(answer instanceof BadInputError)) source.prime(part, answer!);
        });
      }
      service = found?.service ?? null;
    }
  } else if (list?.name === 'users' && !list.onlyTotalCount) {
    const found = await serviceWithUsers(ctx.data, accountSid, sid, pageArgsOf(list.args));
    if (found?.parent) userPages(ctx, list.args).prime(sid, found.page);
    service = found?.parent;
  }
  if (service === undefined) return ctx.loaders.service.load(sid);
  ctx.loaders.service.prime(sid, service);
  return service;
}

/**
 * The first field among `names` that execution will resolve under this field,
 * with its argument values and whether it selects only its total (decided on
 * every node of its response key, as its own resolver will decide).
 */
function firstList(info: GraphQLResolveInfo, names: readonly string[]) {
  const type = objectTypeOf(info.returnType);
  if (!type) return undefined;
  const fields = subfields(info, info.fieldNodes, type);
  const first = fields.find((field) => names.includes(field.name.value));
  const definition = first && type.getFields()[first.name.value];
  if (!first || !definition) return undefined;
  const responseKey = keyOf(first);
  const nodes = fields.filter((field) => keyOf(field) === responseKey);
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(definition, first, info.variableValues);
  } catch {
    return undefined;
  }
  const listType = objectTypeOf(definition.type);
  return { name: first.name.value, args, nodes, type: listType, onlyTotalCount: selectsOnlyTotalCount(info, nodes, listType) };
}

function keyOf(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}
