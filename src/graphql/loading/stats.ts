import { type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, getArgumentValues } from 'graphql';
import { BindingStatsSource, checkRegistrationsArgs, type StatsInterval, type StatsPart, type StatsScope } from '../../domain/stats.js';
import type { GraphQLContext } from './context.js';
import { subfields } from './selection.js';

const sources = new WeakMap<GraphQLContext, Map<string, BindingStatsSource>>();

/** The request's statistics source for one scope: fields asking the same scope share its answers (and the prefetch's). */
export function statsSource(ctx: GraphQLContext, scope: StatsScope): BindingStatsSource {
  let byScope = sources.get(ctx);
  if (!byScope) {
    byScope = new Map();
    sources.set(ctx, byScope);
  }
  const key = JSON.stringify(scope);
  let source = byScope.get(key);
  if (!source) {
    source = new BindingStatsSource(ctx.data, scope);
    byScope.set(key, source);
  }
  return source;
}

/** The registrations part of one `registrations` field's argument values (built alike by the resolver and the prefetch). */
export function registrationsPart(args: { interval?: StatsInterval | null; from?: Date | null; to?: Date | null }): StatsPart & { kind: 'registrations' } {
  return { kind: 'registrations', interval: args.interval ?? 'DAY', from: args.from, to: args.to };
}

const SIMPLE_PARTS = new Set(['asOf', 'total', 'byType', 'byCredential', 'byMessageType', 'staleness']);

/**
 * The parts execution will ask of a BindingStats selection (through fragments,
 * with @skip/@include applied); a registrations field with invalid arguments is
 * left to its resolver, which reports it.
 */
export function selectedStatsParts(info: GraphQLResolveInfo, fieldNodes: readonly FieldNode[], type: GraphQLObjectType): StatsPart[] {
  const parts = new Map<string, StatsPart>();
  for (const field of subfields(info, fieldNodes, type)) {
    const name = field.name.value;
    let part: StatsPart | undefined;
    if (SIMPLE_PARTS.has(name)) part = { kind: name as 'total' };
    else if (name === 'registrations') {
      const definition = type.getFields()[name];
      try {
        const registrations = registrationsPart(getArgumentValues(definition!, field, info.variableValues));
        checkRegistrationsArgs(registrations);
        part = registrations;
      } catch {
        part = undefined;
      }
    }
    if (part) parts.set(JSON.stringify(part), part);
  }
  return [...parts.values()];
}
