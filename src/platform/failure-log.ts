import { unavailableReason } from '../db/unavailable.js';
import type { Logger } from './logger.js';

/**
 * The log of a database outage, shared by every front door of an app. During
 * an outage every request fails the same way; a line (let alone a stack) per
 * failed request would bury everything else in the log and cost the most
 * exactly when the gateway is in trouble. So:
 *
 * - the first failure is logged at error level, with its reason (message and
 *   code, no stack) and the request's fields;
 * - a failure for a reason not seen yet in this outage is logged at warn
 *   level, with its reason (a few per outage at most);
 * - every other failure is only counted, and the count is logged at warn
 *   level at most once per `summaryEveryMs` ("N more failures in the last …");
 * - the first success after failures ends the outage, logged once at info
 *   level with its length and number of failures.
 */
export interface FailureLog {
  /** A request failed because the database is unavailable (see isDatabaseUnavailable); `fields` such as requestId go into a logged line. */
  unavailable(err: unknown, fields?: Record<string, unknown>): void;
  /** The database answered a request (cheap when there is no outage). */
  available(): void;
  /** Whether an outage is going on (failures since the last success), for callers whose evidence of a success costs something. */
  readonly failing: boolean;
}

export interface FailureLogOptions {
  /** Shortest time between two lines summarising counted failures. */
  summaryEveryMs?: number;
  /** Milliseconds on a monotonic clock (tests move it by hand). */
  now?: () => number;
}

/** Distinct reasons logged in full per outage; later new ones are only counted. */
const MAX_REASONS_PER_OUTAGE = 5;

interface Outage {
  startedAt: number;
  failures: number;
  /** Failures counted, not logged, since the last line. */
  unreported: number;
  lastLineAt: number;
  reasons: Set<string>;
}

export function createFailureLog(logger: Logger, { summaryEveryMs = 10_000, now = () => performance.now() }: FailureLogOptions = {}): FailureLog {
  let outage: Outage | undefined;

  return {
    unavailable(err, fields = {}) {
      const at = now();
      const reason = unavailableReason(err) ?? { code: undefined, message: err instanceof Error ? err.message : String(err) };
      const key = `${reason.code ?? ''} ${reason.message}`;
      const detail = { ...fields, reason: reason.message, ...(reason.code !== undefined ? { code: reason.code } : {}) };
      if (!outage) {
        outage = { startedAt: at, failures: 1, unreported: 0, lastLineAt: at, reasons: new Set([key]) };
        logger.error('database unavailable', detail);
        return;
      }
      outage.failures += 1;
      if (!outage.reasons.has(key) && outage.reasons.size < MAX_REASONS_PER_OUTAGE) {
        outage.reasons.add(key);
        outage.lastLineAt = at;
        logger.warn('database unavailable, for another reason', detail);
        return;
      }
      outage.unreported += 1;
      if (at - outage.lastLineAt >= summaryEveryMs) {
        const seconds = Math.round((at - outage.lastLineAt) / 1000);
        logger.warn(`database unavailable: ${outage.unreported} more failures in the last ${seconds} s`, {
          failures: outage.unreported,
          seconds,
        });
        outage.unreported = 0;
        outage.lastLineAt = at;
      }
    },
    available() {
      if (!outage) return;
      const seconds = Math.round((now() - outage.startedAt) / 100) / 10;
      logger.info(`database available again after ${seconds} s, ${outage.failures} failures`, { seconds, failures: outage.failures });
      outage = undefined;
    },
    get failing() {
      return outage !== undefined;
    },
  };
}
