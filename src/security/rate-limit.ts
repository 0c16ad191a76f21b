import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';

export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: seconds until the credential may try again. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request for `key` (a credential SID). Never rejects: a limiter failure allows the request. */
  consume(key: string): Promise<RateLimitVerdict>;
  close(): Promise<void>;
}

/** RateLimitConfig, plus what only tests (or an embedding program) choose. */
export interface RateLimiterSettings extends RateLimitConfig {
  /** Prefix of every counter key (in Redis: `<prefix>:<credential SID>`). */
  keyPrefix?: string | undefined;
}

export const DEFAULT_KEY_PREFIX = 'bindings-gateway:rl';

/** How long the first requests wait for the first connection to Redis before counting in memory. */
const FIRST_CONNECT_WAIT_MS = 1_000;
/** A Redis that accepted the connection but does not answer within this is treated as down for that request. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** After a command failed on an open connection, how long requests count in memory before Redis is tried again. */
const REDIS_COOL_OFF_MS = 1_000;

const ALLOWED: RateLimitVerdict = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

/**
 * Counts requests per credential in fixed windows of `windowSeconds`:
 * `requests` are allowed per window, then the credential is refused until the
 * window ends. `requests: 0` turns limiting off.
 *
 * Counters live in this process (RateLimiterMemory), or in Redis when
 * `redisUrl` is set, so that every gateway process sharing that Redis shares
 * each credential's budget (RateLimiterRedis over ioredis). While Redis cannot
 * be reached, each process counts in its own memory (the library's
 * insuranceLimiter) and a warning is logged once per outage.
 */
export function createRateLimiter(config: RateLimiterSettings, logger: Logger): RateLimiter {
  if (!(config.requests > 0)) return { consume: async () => ALLOWED, close: async () => {} };

  const keyPrefix = config.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const limits = { points: config.requests, duration: config.windowSeconds, keyPrefix };

  if (config.redisUrl === undefined) return wrap(new RateLimiterMemory(limits), logger);

  try {
    return createRedisRateLimiter(config.redisUrl, limits, logger);
  } catch (err) {
    logger.error('rate limiting: could not set up the Redis client; counting in memory in this process only', {
      redis: describeRedisUrl(config.redisUrl),
      err,
    });
    return wrap(new RateLimiterMemory(limits), logger);
  }
}

interface Limits {
  points: number;
  duration: number;
  keyPrefix: string;
}

function createRedisRateLimiter(redisUrl: string, limits: Limits, logger: Logger): RateLimiter {
  const redis = describeRedisUrl(redisUrl);
  let closed = false;
  /** From the first sign that Redis cannot count until it can again; one warning per such outage. */
  let down = false;
  let lastError: string | undefined;
  /** While Redis is connected but does not answer in time: counts go straight to memory until then. */
  let skipRedisUntil = 0;

  const markDown = (reason: string) => {
    if (closed || down) return;
    down = true;
    logger.warn('rate limiting: Redis unreachable; counting in memory in each process until it is back', { redis, reason });
  };
  const markUp = () => {
    skipRedisUntil = 0;
    if (!down) return;
    down = false;
    lastError = undefined;
    if (!closed) logger.info('rate limiting: Redis reachable again; counters are shared again', { redis });
  };

  const client = new Redis(redisUrl, {
    // Fail fast instead of queueing commands while disconnected: the request
    // is then counted by the in-memory insurance limiter at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // Keep trying to reconnect for as long as the process runs.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    connectionName: 'bindings-gateway-rate-limit',
  });

  // The first requests wait (up to FIRST_CONNECT_WAIT_MS) for the first
  // connection, so that a process just started counts in Redis, not in memory.
  let firstConnectSettled = false;
  let settleFirstConnect!: () => void;
  const firstConnect = new Promise<void>((resolve) => {
    settleFirstConnect = () => {
      firstConnectSettled = true;
      clearTimeout(firstConnectTimer);
      resolve();
    };
  });
  const firstConnectTimer = setTimeout(() => settleFirstConnect(), FIRST_CONNECT_WAIT_MS);
  firstConnectTimer.unref();

  client.on('ready', () => {
    settleFirstConnect();
    markUp();
  });
  // ioredis emits one per failed (re)connection attempt; an 'error' listener
  // also keeps ioredis from printing "Unhandled error event".
  client.on('error', (err: Error) => {
    lastError = err.message || String(err);
    settleFirstConnect();
    markDown(lastError);
  });
  client.on('end', () => settleFirstConnect());

  /** Answers of the in-memory limiter (the others came from Redis). */
  const fromMemory = new WeakSet<RateLimiterRes>();
  const tag = (res: unknown) => {
    if (res instanceof RateLimiterRes) fromMemory.add(res);
  };

  /** Counts in this process while Redis cannot; being used is the surest sign that Redis is down. */
  class InsuranceLimiter extends RateLimiterMemory {
    override consume(key: string | number, points?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
      if (!closed && client.status === 'ready' && skipRedisUntil === 0) {
        // Connected, yet the command failed or timed out: spare the next requests the wait.
        skipRedisUntil = Date.now() + REDIS_COOL_OFF_MS;
      }
      markDown(lastError ?? `a Redis command failed or timed out (connection ${client.status})`);
      return super.consume(key, points, options).then(
        (res) => {
          tag(res);
          return res;
        },
        (rejection: unknown) => {
          tag(rejection);
          throw rejection;
        },
      );
    }
  }

  const insurance = new InsuranceLimiter(limits);
  const limiter = new RateLimiterRedis({
    storeClient: client,
    ...limits,
    // Straight to the insurance limiter while the connection is not up.
    rejectIfRedisNotReady: true,
    insuranceLimiter: insurance,
  });

  return wrap(limiter, logger, {
    async before() {
      if (!firstConnectSettled) await firstConnect;
    },
    pick() {
      if (skipRedisUntil === 0) return limiter;
      if (Date.now() < skipRedisUntil) return insurance;
      skipRedisUntil = 0; // try Redis again
      return limiter;
    },
    after(res) {
      // Redis answered again (after it had stopped answering without the connection dropping, say).
      if (!fromMemory.has(res)) markUp();
    },
    async close() {
      closed = true;
      settleFirstConnect();
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through to a hard disconnect
        }
      }
      client.disconnect();
    },
  });
}

interface Hooks {
  /** Awaited before each count. */
  before?(): Promise<void>;
  /** The limiter to count this request with; the main one when absent. */
  pick?(): RateLimiterMemory | RateLimiterRedis;
  /** Sees each answer of the limiter, allowed or refused. */
  after?(res: RateLimiterRes): void;
  close?(): Promise<void>;
}

/** Turns the library's resolve/reject protocol into verdicts, and any failure into an allowed request. */
function wrap(limiter: RateLimiterMemory | RateLimiterRedis, logger: Logger, hooks: Hooks = {}): RateLimiter {
  return {
    async consume(key) {
      let res: RateLimiterRes;
      let verdict: RateLimitVerdict;
      try {
        if (hooks.before) await hooks.before();
        res = await (hooks.pick?.() ?? limiter).consume(key);
        verdict = ALLOWED;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) {
          logger.error('rate limiting failed; request allowed', { err });
          return ALLOWED;
        }
        res = err;
        verdict = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      }
      try {
        hooks.after?.(res);
      } catch (err) {
        logger.error('rate limiting: bookkeeping failed', { err });
      }
      return verdict;
    },
    close: hooks.close ?? (async () => {}),
  };
}

/** The Redis URL without credentials, fit for logs. */
export function describeRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '[invalid Redis URL]';
  }
}
