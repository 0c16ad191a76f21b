import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LIMITS, DEFAULT_RATE_LIMIT, loadConfig } from '../src/platform/config.js';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.resolve('./.data'),
      logLevel: 'info',
      publicUrl: undefined,
      limits: DEFAULT_LIMITS,
      rateLimit: DEFAULT_RATE_LIMIT,
      shutdownTimeoutSeconds: 10,
      dbConnectTimeoutSeconds: 60,
      metricsToken: undefined,
      workers: 1,
      graphqlExecutor: 'jit',
    });
  });

  it('reads the operations settings and refuses what cannot work', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://localhost/db',
      SHUTDOWN_TIMEOUT_SECONDS: '3',
      DB_CONNECT_TIMEOUT_SECONDS: '0',
      METRICS_TOKEN: 'a-long-enough-metrics-token',
      WORKERS: '4',
      GRAPHQL_EXECUTOR: 'graphql-js',
    });
    expect(config).toMatchObject({
      shutdownTimeoutSeconds: 3,
      dbConnectTimeoutSeconds: 0,
      metricsToken: 'a-long-enough-metrics-token',
      workers: 4,
      graphqlExecutor: 'graphql-js',
    });
    expect(configError({ WORKERS: '2' }).message).toMatch(/WORKERS above 1 needs DATABASE_URL/);
    expect(configError({ WORKERS: '0' }).message).toMatch(/WORKERS must be an integer from 1/);
    expect(configError({ METRICS_TOKEN: 'short' }).message).toMatch(/METRICS_TOKEN must be at least 16/);
    expect(configError({ SHUTDOWN_TIMEOUT_SECONDS: '-1' }).message).toMatch(/SHUTDOWN_TIMEOUT_SECONDS must be an integer/);
  });

  it('turns tracing on only for an OTLP endpoint', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'bindings-gateway',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/v1/traces', OTEL_SERVICE_NAME: 'chat-gw' }).tracing).toEqual({
      endpoint: 'https://otel.example/v1/traces',
      serviceName: 'chat-gw',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ PORT: '', HOST: ' ', DATABASE_URL: '', DATA_DIR: '  ', LOG_LEVEL: '' });
    expect(config).toEqual(loadConfig({}));
    expect(config.databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '   ' }).databaseUrl).toBeUndefined();
  });

  it('reads valid values', () => {
    expect(
      loadConfig({
        PORT: ' 8080 ',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
        DATA_DIR: 'var/gw',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
      dataDir: path.resolve('var/gw'),
      logLevel: 'debug',
      publicUrl: undefined,
      limits: DEFAULT_LIMITS,
      rateLimit: DEFAULT_RATE_LIMIT,
    });
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db/x' }).databaseUrl).toBe('postgres://u:p@db/x');
    expect(loadConfig({ DATA_DIR: '/srv/gw' }).dataDir).toBe('/srv/gw');
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.com/' }).publicUrl).toBe('https://chat.example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/gateway/' }).publicUrl).toBe('https://example.com/gateway');
    const hardened = loadConfig({
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_INTROSPECTION: 'off',
      MAX_BODY_BYTES: '2000',
      EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL: '2',
      EVENTS_QUEUE_SIZE: '50',
      RATE_LIMIT_REQUESTS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(hardened.limits).toEqual({
      ...DEFAULT_LIMITS,
      graphqlMaxDepth: 8,
      graphqlIntrospection: false,
      maxBodyBytes: 2000,
      eventsMaxSubscriptionsPerCredential: 2,
      eventsQueueSize: 50,
    });
    expect(hardened.rateLimit).toEqual({ ...DEFAULT_RATE_LIMIT, requests: 0, redisUrl: 'redis://127.0.0.1:6379' });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['HOST', 'two words'],
    ['PUBLIC_URL', 'chat.example.com'],
    ['GRAPHQL_MAX_DEPTH', '0'],
    ['GRAPHQL_MAX_COST', 'lots'],
    ['GRAPHQL_INTROSPECTION', 'maybe'],
    ['MAX_BODY_BYTES', '12.5'],
    ['DB_STATEMENT_TIMEOUT_MS', '-5'],
    ['RATE_LIMIT_REQUESTS', '1e3'],
    ['EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL', 'many'],
    ['EVENTS_QUEUE_SIZE', '0'],
    ['GRAPHQL_EXECUTOR', 'fast'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['PUBLIC_URL', 'ftp://chat.example.com'],
    ['PUBLIC_URL', 'https://chat.example.com/?x=1'],
  ])('rejects %s=%j with a ConfigError naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
  });
});
