import type { Logger } from '../platform/logger.js';
import { OperatorError } from '../platform/operator-error.js';
import type { Database } from './database.js';
import { isDatabaseUnavailable } from './unavailable.js';

export interface WaitOptions {
  /** DATABASE_URL, for messages (its password is masked). */
  databaseUrl: string | undefined;
  /** Give up after this long (DB_CONNECT_TIMEOUT_SECONDS); 0 tries once. */
  timeoutSeconds: number;
  /** Stops waiting (SIGTERM during start). */
  signal?: AbortSignal;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * Applies pending migrations, waiting for a database that cannot be reached
 * yet (starting, restarting, or not yet up when the gateway is): retried with
 * exponential backoff until `timeoutSeconds`, each wait logged once with what
 * failed. Any other failure (wrong password, missing database) stops at once.
 * Returns the migrations applied.
 */
export async function migrateWhenReachable(db: Database, logger: Logger, { databaseUrl, timeoutSeconds, signal }: WaitOptions): Promise<string[]> {
  const started = performance.now();
  const where = databaseUrl ? `the database at ${maskPassword(databaseUrl)} (DATABASE_URL)` : 'the embedded database';
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await db.migrate();
      if (attempt > 1) logger.info('database reachable', { attempts: attempt, waitedSeconds: seconds(started) });
      return applied;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      const left = timeoutSeconds * 1000 - (performance.now() - started);
      if (left <= 0 || signal?.aborted) {
        throw new OperatorError(
          `cannot reach ${where} after ${seconds(started)} s: ${reason} (DB_CONNECT_TIMEOUT_SECONDS=${timeoutSeconds} sets how long to wait)`,
        );
      }
      logger.warn(`cannot reach ${where}; retrying`, { attempt, reason, retryInMs: Math.round(Math.min(delay, left)) });
      await sleep(Math.min(delay, left), signal);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function maskPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
