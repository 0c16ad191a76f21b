import type { RateLimitConfig } from './config.js';
import type { Logger } from './logger.js';

export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: seconds until the credential may try again. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request for `key` (a credential SID). */
  consume(key: string): Promise<RateLimitVerdict>;
  close(): Promise<void>;
}

/** PLACEHOLDER: allows everything (being implemented with rate-limiter-flexible). */
export function createRateLimiter(_config: RateLimitConfig, _logger: Logger): RateLimiter {
  return {
    consume: async () => ({ allowed: true, retryAfterSeconds: 0 }),
    close: async () => {},
  };
}
