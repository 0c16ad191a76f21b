import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import { BadInputError } from '../../domain/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/paging.js';
import { type SidKind, sidKind } from '../../domain/sids.js';
import type { GraphQLContext } from '../loading/context.js';

/** A Twilio SID names its type by its prefix, so the SID itself is the global ID. */
export const TYPENAME_BY_SID_KIND: Partial<Record<SidKind, string>> = {
  account: 'Account',
  service: 'Service',
  user: 'User',
  credential: 'Credential',
  binding: 'Binding',
};

/**
 * The context graphql/http/limits.ts prices an operation with before it runs: the
 * arguments of fields whose cost depends on them are read, never acted on.
 */
export const PRICING_CONTEXT = Object.freeze({}) as GraphQLContext;

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  // Every connection can count its rows; resolvers hand over a thunk so the
  // count only runs when `totalCount` is selected.
  Connection: { totalCount: () => Promise<number> };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ComplexityPlugin, RelayPlugin],
  // Fields are non-null unless they say otherwise.
  defaultFieldNullability: false,
  // Cost: each field 1; a connection multiplies the cost of its selection by
  // the page it asks for (connectionComplexity below). The limit is checked
  // before execution by graphql/http/limits.ts, with the request's variables; no
  // `complexity.limit` here, so the plugin's own per-resolver check stays off.
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    defaultConnectionFieldOptions: { complexity: connectionComplexity },
    // The connection field already multiplies by the page size: its lists do not again.
    edgesFieldOptions: { nullable: false, complexity: { field: 1, multiplier: 1 } },
    nodesOnConnection: { complexity: { field: 1, multiplier: 1 } },
    nodeFieldOptions: { nullable: false },
    nodesQueryOptions: { complexity: ({ ids }) => ({ field: 1, multiplier: ids.length }) },
    encodeGlobalID: (_typename, id) => String(id),
    // Pothos brands loaded nodes with their type, but a node served from its
    // per-request cache can reach resolveType before the brand is set; the SID
    // prefix always tells the type.
    nodeTypeOptions: {
      resolveType: (value: unknown) => {
        const sid = (value as { sid?: unknown } | null)?.sid;
        const kind = typeof sid === 'string' ? sidKind(sid) : undefined;
        return kind ? TYPENAME_BY_SID_KIND[kind] : undefined;
      },
    },
    decodeGlobalID: (globalID, ctx) => {
      const typename = TYPENAME_BY_SID_KIND[sidKind(globalID) ?? 'apiKey'];
      // Pricing only counts IDs; execution reports a bad one, with its path.
      if (!typename && ctx === PRICING_CONTEXT) return { typename: 'Node', id: globalID };
      if (!typename) throw new BadInputError(`${JSON.stringify(globalID.slice(0, 64))} is not a valid ID: expected a Twilio SID such as BS…`, 'id');
      return { typename, id: globalID };
    },
  },
});

/**
 * A connection returns at most `first` (or `last`) items, the default page
 * when neither is given, never more than the maximum page: that many times
 * the cost of what is selected under it.
 */
export function connectionComplexity(args: { first?: number | null; last?: number | null }) {
  const asked = args.first ?? args.last;
  const items = asked == null ? DEFAULT_PAGE_SIZE : Math.min(Math.max(args.first ?? 0, args.last ?? 0), MAX_PAGE_SIZE);
  return { field: 1, multiplier: items };
}

builder.queryType({});
builder.mutationType({});

builder.scalarType('DateTime', {
  description: 'An ISO-8601 date and time in UTC, e.g. 2016-10-21T11:37:03.000Z',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new BadInputError('DateTime must be an ISO-8601 string');
    return date;
  },
});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many items the connection has under the same filters, ignoring paging.', resolve: (connection) => connection.totalCount() }),
);
