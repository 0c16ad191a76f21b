import type { Caller } from '../domain/caller.js';
import { recordCredentialLookup } from '../platform/metrics.js';

/** The channel the credentials_changed_notify trigger (migration 20261121120000) notifies. */
export const CREDENTIALS_CHANNEL = 'credentials_changed';

export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

/**
 * Verified credentials by their exact `Authorization` header, so that a
 * credential seen before costs neither a SQL statement nor a hash check.
 *
 * Correct only while something calls `invalidate()` for every change to
 * accounts and API keys, and `setListening(false)` whenever such calls may have
 * been missed: the gateway wires it to LISTEN credentials_changed. While not
 * listening it neither answers nor stores anything. Only successes are kept.
 *
 * A lookup that an invalidation overtakes (it read the row before the change,
 * its answer arrives after the notification) must not store its answer: each
 * invalidation bumps a generation, and an answer is stored only when the
 * generation is still the one of its start.
 */
export class CredentialCache {
  readonly #entries = new Map<string, Caller>();
  readonly #maxEntries: number;
  #generation = 0;
  #listening = false;

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CREDENTIAL_CACHE_SIZE);
  }

  /** True while invalidations are known to arrive (the cache is in use). */
  get listening(): boolean {
    return this.#listening;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached caller for this header, else `lookup(header)`, whose success is remembered when still current. */
  async get(header: string, lookup: (header: string) => Promise<Caller | null>): Promise<Caller | null> {
    if (this.#listening) {
      const hit = this.#entries.get(header);
      recordCredentialLookup(hit ? 'hit' : 'miss');
      if (hit) return hit;
    } else {
      recordCredentialLookup('off');
    }
    const generation = this.#generation;
    const caller = await lookup(header);
    if (caller && this.#listening && generation === this.#generation) this.#store(header, caller);
    return caller;
  }

  /** Some credential changed: forget everything, and whatever lookups in flight read. */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** Invalidations may have been missed; from now on they arrive (true) or may not (false). */
  setListening(listening: boolean): void {
    this.invalidate();
    this.#listening = listening;
  }

  #store(header: string, caller: Caller): void {
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(header)) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    // Shared by every request with this header from now on.
    this.#entries.set(header, Object.freeze({ ...caller }));
  }
}
