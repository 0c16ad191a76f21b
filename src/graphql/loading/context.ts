import DataLoader from 'dataloader';
import { type Binding, getBindings } from '../../domain/bindings.js';
import type { Caller } from '../../domain/caller.js';
import { type Credential, getCredentials } from '../../domain/credentials.js';
import type { DataContext } from '../../domain/data-context.js';
import { getServices, type Service } from '../../domain/services.js';
import { getUsers, type User } from '../../domain/users.js';
import type { BindingEventHub } from '../../events/hub.js';

export interface GraphQLContext {
  caller: Caller;
  data: DataContext;
  /** Per request; a subscription gets new ones for each event (src/graphql/schema/events.ts). */
  loaders: Loaders;
  /** Where `bindingEvents` subscribes. */
  events: BindingEventHub;
  requestId: string;
  /** Whether `service(sid)` reads its first list with it (prefetch.ts); off only to compare with the plain path. */
  readAhead: boolean;
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Per-request batching: every lookup by sid in one request becomes one statement per type. */
export function createLoaders(data: DataContext, caller: Caller) {
  const bySid = <T extends { sid: string }>(fetch: (sids: readonly string[]) => Promise<T[]>) =>
    new DataLoader<string, T | null>(async (sids) => {
      const found = new Map((await fetch(sids)).map((row) => [row.sid, row]));
      return sids.map((sid) => found.get(sid) ?? null);
    });
  const batches = new Map<string, DataLoader<string, unknown>>();
  return {
    binding: bySid<Binding>((sids) => getBindings(data, caller.accountSid, sids)),
    service: bySid<Service>((sids) => getServices(data, caller.accountSid, sids)),
    user: bySid<User>((sids) => getUsers(data, caller.accountSid, sids)),
    credential: bySid<Credential>((sids) => getCredentials(data, caller.accountSid, sids)),
    /** Forgets every list and count loaded so far (after a write in this request). */
    forgetLists(): void {
      batches.clear();
    },
    /**
     * A loader shared by every field with the same `key` in this request (e.g.
     * `Service.bindings` with the same arguments), so sibling parents are
     * fetched together.
     */
    batch<T>(key: string, load: (parents: readonly string[]) => Promise<Map<string, T | Error>>): DataLoader<string, T> {
      let loader = batches.get(key) as DataLoader<string, T> | undefined;
      if (!loader) {
        loader = new DataLoader<string, T>(async (parents) => {
          const results = await load(parents);
          return parents.map((p) => results.get(p) ?? new Error(`no result for ${p}`));
        });
        batches.set(key, loader as DataLoader<string, unknown>);
      }
      return loader;
    },
  };
}
