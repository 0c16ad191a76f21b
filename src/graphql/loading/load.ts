import type DataLoader from 'dataloader';

/** Loads many keys, rethrowing the first error instead of returning it in place. */
export async function loadAll<T>(loader: DataLoader<string, T>, keys: readonly string[]): Promise<T[]> {
  const results = await loader.loadMany(keys);
  return results.map((r) => {
    if (r instanceof Error) throw r;
    return r;
  });
}

/** Loads a row the data model guarantees exists (e.g. a binding's service); a miss is a bug, not a user error. */
export async function loadRequired<T>(loader: DataLoader<string, T | null>, key: string, what: string): Promise<T> {
  const row = await loader.load(key);
  if (row === null) throw new Error(`${what} ${key} is missing`);
  return row;
}
