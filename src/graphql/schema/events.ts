import { GraphQLError } from 'graphql';
import { type BindingEvent, type BindingEventKind, EventStreamError, type EventStreamItem } from '../../events/hub.js';
import { bindingFilterOf } from '../loading/binding-args.js';
import { createLoaders, type GraphQLContext } from '../loading/context.js';
import { BindingFilterInput } from './binding-filter.js';
import { builder } from './builder.js';
import { BindingRef } from './refs.js';

// Live updates: `Subscription.bindingEvents`, served over Server-Sent Events (src/events/hub.ts).

builder.subscriptionType({});

const BindingEventKindEnum = builder.enumType('BindingEventKind', {
  description: 'What happened to a binding.',
  values: {
    REGISTERED: { value: 'REGISTERED', description: 'The binding was added (registered, imported, inserted).' },
    UPDATED: { value: 'UPDATED', description: 'The binding was changed (a registration of the same device, an import).' },
    DELETED: { value: 'DELETED', description: 'The binding was deleted (either front door, a prune job, an import with --prune).' },
  } satisfies Record<BindingEventKind, { value: BindingEventKind; description: string }>,
});

const BindingEventRef = builder.objectRef<BindingEvent>('BindingEvent');

BindingEventRef.implement({
  description: 'One committed write of one binding.',
  fields: (t) => ({
    kind: t.field({ type: BindingEventKindEnum, resolve: (event) => event.kind }),
    binding: t.field({
      type: BindingRef,
      description: 'The binding as the write left it; for DELETED, as it was just before.',
      resolve: (event) => event.binding,
    }),
    at: t.expose('at', { type: 'DateTime', description: 'When the database made the write.' }),
  }),
});

builder.subscriptionField('bindingEvents', (t) =>
  t.field({
    type: BindingEventRef,
    description:
      "Every write to the bindings of one of the caller's services that passes `filter`, from now on, in commit order, whoever makes it " +
      '(either front door, imports, prune jobs, other gateway processes). Served over Server-Sent Events (`Accept: text/event-stream`). ' +
      'The stream ends with a SERVICE_UNAVAILABLE error when events may have been missed (database connection lost, gateway shutting down) ' +
      'and with SLOW_CONSUMER when the subscriber falls too far behind: subscribe again, then re-read what you need. ' +
      'It ends with UNAUTHENTICATED when its credential is revoked or rotated.',
    args: {
      serviceSid: t.arg.string({ required: true, description: "The caller's service (IS…)." }),
      filter: t.arg({ type: BindingFilterInput, required: false, description: 'Only events whose binding passes this filter.' }),
    },
    subscribe: async (_root, { serviceSid, filter }, ctx) => {
      try {
        return freshLoadersPerEvent(ctx, await ctx.events.subscribe(ctx.caller, serviceSid, bindingFilterOf(filter ?? {})));
      } catch (err) {
        throw err instanceof EventStreamError ? streamError(err) : err;
      }
    },
    resolve: (item: EventStreamItem) => {
      if ('error' in item) throw streamError(item.error);
      return item.event;
    },
  }),
);

function streamError(err: EventStreamError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: err.code } });
}

/**
 * A subscription's context lives as long as its stream: each event is resolved
 * with new loaders, so that nothing is served from an earlier event's cache
 * and the caches do not grow with the stream.
 */
function freshLoadersPerEvent(ctx: GraphQLContext, items: AsyncIterableIterator<EventStreamItem>): AsyncIterableIterator<EventStreamItem> {
  return {
    async next() {
      const result = await items.next();
      ctx.loaders = createLoaders(ctx.data, ctx.caller);
      return result;
    },
    return: () => items.return?.() ?? Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
