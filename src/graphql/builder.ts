import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { BadInputError } from '../domain/errors.js';
import { sidKind, type SidKind } from '../domain/sids.js';
import type { GraphQLContext } from './context.js';

/** A Twilio SID names its type by its prefix, so the SID itself is the global ID. */
export const TYPENAME_BY_SID_KIND: Partial<Record<SidKind, string>> = {
  account: 'Account',
  service: 'Service',
  user: 'User',
  credential: 'Credential',
  binding: 'Binding',
};

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
  plugins: [RelayPlugin],
  // Fields are non-null unless they say otherwise.
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: true,
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
    decodeGlobalID: (globalID) => {
      const typename = TYPENAME_BY_SID_KIND[sidKind(globalID) ?? 'apiKey'];
      if (!typename) throw new BadInputError(`${JSON.stringify(globalID.slice(0, 64))} is not a valid ID: expected a Twilio SID such as BS…`, 'id');
      return { typename, id: globalID };
    },
  },
});

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
