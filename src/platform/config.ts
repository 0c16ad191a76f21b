import path from 'node:path';
import type { GraphQLExecutor } from '../graphql/http/jit.js';
import { OperatorError } from './operator-error.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Config {
  port: number;
  host: string;
  /** Set: a real Postgres through @prisma/adapter-pg. Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  /** Origin the REST shim writes into absolute URLs; the request's own origin when unset. */
  publicUrl: string | undefined;
  limits: Limits;
  rateLimit: RateLimitConfig;
  /** After SIGTERM/SIGINT, how long requests in flight may take before their connections are destroyed. */
  shutdownTimeoutSeconds: number;
  /** At start, how long to keep retrying a database that does not answer. */
  dbConnectTimeoutSeconds: number;
  /** Bearer token that `/metrics` requires; metrics are off when unset. */
  metricsToken: string | undefined;
  /** Gateway processes sharing the port (node:cluster); 1 is a single process. */
  workers: number;
  /** GRAPHQL_EXECUTOR: what runs queries (see src/graphql/http/jit.ts). */
  graphqlExecutor: GraphQLExecutor;
  /**
   * OpenTelemetry traces: on when OTEL_EXPORTER_OTLP_ENDPOINT (or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, unless OTEL_SDK_DISABLED=true.
   * The exporter reads the other OTEL_EXPORTER_OTLP_* variables itself.
   */
  tracing: { endpoint: string; serviceName: string } | undefined;
}

/** Protections against abusive requests, on by default. */
export interface Limits {
  /** Deepest selection nesting a GraphQL document may have. */
  graphqlMaxDepth: number;
  /** Most aliases a GraphQL document may use. */
  graphqlMaxAliases: number;
  /** Most lexical tokens a GraphQL document may have. */
  graphqlMaxTokens: number;
  /** Highest estimated cost (connections count `first`/`last` times their items). */
  graphqlMaxCost: number;
  /** Whether introspection (and so GraphiQL's schema explorer) is allowed. */
  graphqlIntrospection: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Longest a single SQL statement may run before the database cancels it, in milliseconds. */
  statementTimeoutMs: number;
  /** Concurrent `bindingEvents` subscriptions one credential may hold per gateway process. */
  eventsMaxSubscriptionsPerCredential: number;
  /** Events one subscriber may have waiting; a subscriber further behind is ended (SLOW_CONSUMER). */
  eventsQueueSize: number;
}

/** Requests allowed per credential per window; `requests: 0` turns rate limiting off. */
export interface RateLimitConfig {
  requests: number;
  windowSeconds: number;
  /** Shares the counters between gateway processes; in-memory counters when unset. */
  redisUrl: string | undefined;
}

export const DEFAULT_LIMITS: Limits = {
  graphqlMaxDepth: 12,
  graphqlMaxAliases: 30,
  graphqlMaxTokens: 2_000,
  graphqlMaxCost: 50_000,
  graphqlIntrospection: true,
  maxBodyBytes: 100_000,
  statementTimeoutMs: 10_000,
  eventsMaxSubscriptionsPerCredential: 10,
  eventsQueueSize: 5_000,
};

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { requests: 1_200, windowSeconds: 60, redisUrl: undefined };

export class ConfigError extends OperatorError {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads the environment once; any invalid value stops start-up with a message naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = readPort(env.PORT);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError(`HOST must be a host name or address, got ${JSON.stringify(env.HOST)}`);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL, got protocol ${url.protocol}`);
    }
  }

  const dataDirRaw = env.DATA_DIR?.trim() || './.data';
  const dataDir = path.resolve(dataDirRaw);

  const logLevelRaw = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }

  const publicUrl = readPublicUrl(env.PUBLIC_URL);

  const limits: Limits = {
    graphqlMaxDepth: readInt(env, 'GRAPHQL_MAX_DEPTH', 1, 1_000, DEFAULT_LIMITS.graphqlMaxDepth),
    graphqlMaxAliases: readInt(env, 'GRAPHQL_MAX_ALIASES', 0, 10_000, DEFAULT_LIMITS.graphqlMaxAliases),
    graphqlMaxTokens: readInt(env, 'GRAPHQL_MAX_TOKENS', 10, 1_000_000, DEFAULT_LIMITS.graphqlMaxTokens),
    graphqlMaxCost: readInt(env, 'GRAPHQL_MAX_COST', 1, 1_000_000_000, DEFAULT_LIMITS.graphqlMaxCost),
    graphqlIntrospection: readBool(env, 'GRAPHQL_INTROSPECTION', DEFAULT_LIMITS.graphqlIntrospection),
    maxBodyBytes: readInt(env, 'MAX_BODY_BYTES', 1_000, 100_000_000, DEFAULT_LIMITS.maxBodyBytes),
    statementTimeoutMs: readInt(env, 'DB_STATEMENT_TIMEOUT_MS', 0, 3_600_000, DEFAULT_LIMITS.statementTimeoutMs),
    eventsMaxSubscriptionsPerCredential: readInt(
      env,
      'EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL',
      0,
      100_000,
      DEFAULT_LIMITS.eventsMaxSubscriptionsPerCredential,
    ),
    eventsQueueSize: readInt(env, 'EVENTS_QUEUE_SIZE', 1, 1_000_000, DEFAULT_LIMITS.eventsQueueSize),
  };

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/./.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got ${JSON.stringify(env.REDIS_URL)}`);
  }
  const rateLimit: RateLimitConfig = {
    requests: readInt(env, 'RATE_LIMIT_REQUESTS', 0, 100_000_000, DEFAULT_RATE_LIMIT.requests),
    windowSeconds: readInt(env, 'RATE_LIMIT_WINDOW_SECONDS', 1, 86_400, DEFAULT_RATE_LIMIT.windowSeconds),
    redisUrl,
  };

  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters (it guards /metrics)');
  }
  const workers = readInt(env, 'WORKERS', 1, 256, 1);
  if (workers > 1 && databaseUrl === undefined) {
    throw new ConfigError('WORKERS above 1 needs DATABASE_URL: the embedded database belongs to one process');
  }

  const executorRaw = env.GRAPHQL_EXECUTOR?.trim() || 'jit';
  if (executorRaw !== 'jit' && executorRaw !== 'graphql-js') {
    throw new ConfigError(`GRAPHQL_EXECUTOR must be jit or graphql-js, got ${JSON.stringify(env.GRAPHQL_EXECUTOR)}`);
  }

  return {
    port,
    host,
    databaseUrl,
    tracing: readTracing(env),
    dataDir,
    logLevel: logLevelRaw as LogLevel,
    publicUrl,
    limits,
    rateLimit,
    shutdownTimeoutSeconds: readInt(env, 'SHUTDOWN_TIMEOUT_SECONDS', 0, 3_600, 10),
    dbConnectTimeoutSeconds: readInt(env, 'DB_CONNECT_TIMEOUT_SECONDS', 0, 3_600, 60),
    metricsToken,
    workers,
    graphqlExecutor: executorRaw,
  };
}

function readTracing(env: NodeJS.ProcessEnv): Config['tracing'] {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const endpoint = env[name]?.trim();
  if (!endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ConfigError(`${name} must be an http:// or https:// URL (OTLP over HTTP), got ${JSON.stringify(endpoint)}`);
  }
  return { endpoint, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'bindings-gateway' };
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4000;
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return Number(value);
}

function readPublicUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL such as https://chat.example.com, got ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL without query or fragment, got ${JSON.stringify(raw)}`);
  }
  // Kept with its path (a gateway mounted under a prefix), without a trailing slash.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readInt(env: Env, name: string, min: number, max: number, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(env[name])}`);
  }
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}
