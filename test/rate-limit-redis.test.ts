/**
 * Rate limits shared between gateway processes through Redis (REDIS_URL):
 * two createApp instances stand for two processes. Runs against the machine's
 * Redis (TEST_REDIS_URL, by default redis://127.0.0.1:6379) and is skipped,
 * with a note on the console, when none answers there. Each run uses a key
 * prefix of its own and deletes its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, type AppOptions, createApp } from '../src/app.js';
import { silentLogger } from '../src/platform/logger.js';
import { DEFAULT_KEY_PREFIX } from '../src/security/rate-limit.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { captureLogger } from './helpers/capture-logger.js';
import { GRAPHQL_REFUSAL, graphqlCall, REST_REFUSAL, restCall, sleep } from './helpers/rate-limit.js';

const REDIS_URL = process.env.TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379';

/** PINGs Redis with short timeouts; the reason it failed otherwise. */
async function probeRedis(url: string): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, commandTimeout: 500, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let cause: string | undefined;
  client.on('error', (err: Error) => {
    cause ??= err.message;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? null : `PING answered ${JSON.stringify(pong)}`;
  } catch (err) {
    return cause ?? (err instanceof Error ? err.message : String(err));
  } finally {
    client.disconnect();
  }
}

const unavailable = await probeRedis(REDIS_URL);
if (unavailable) {
  console.warn(
    `[rate-limit-redis.test.ts] SKIPPED: no Redis reachable at ${REDIS_URL} (${unavailable}). ` +
      'Start one (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set TEST_REDIS_URL.',
  );
}

describe.skipIf(unavailable !== null)(`rate limit shared through Redis (${REDIS_URL})`, () => {
  const prefix = `${DEFAULT_KEY_PREFIX}:test:${randomUUID()}`;
  let redis: Redis;
  let t: TestApp;
  let IS: string;
  let A: string;
  let B: string;
  const apps: App[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    t = await startTestApp({ seed: 'rate-limit-redis', bigServiceBindings: 5, users: 2 });
    IS = t.scenario.a.services[0]!.sid;
    A = t.scenario.a.authorization;
    B = t.scenario.b.authorization;
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await t?.close();
  });

  /** A gateway "process" over the test database, counting in Redis under `keyPrefix`. */
  async function gateway(rateLimit: AppOptions['rateLimit'], logger = silentLogger): Promise<App> {
    const app = await createApp(t.db, logger, { rateLimit: { redisUrl: REDIS_URL, ...rateLimit } });
    apps.push(app);
    return app;
  }

  it('two gateway processes share each credential’s budget', async () => {
    const keyPrefix = `${prefix}:shared`;
    const logger = captureLogger();
    const one = await gateway({ requests: 4, windowSeconds: 30, keyPrefix }, logger);
    const two = await gateway({ requests: 4, windowSeconds: 30, keyPrefix }, logger);

    expect((await graphqlCall(one, A)).status).toBe(200);
    expect((await restCall(two, A, IS)).status).toBe(200);
    expect((await restCall(one, A, IS)).status).toBe(200);
    expect((await graphqlCall(two, A)).status).toBe(200);

    const refusedOne = await graphqlCall(one, A);
    expect(refusedOne.status).toBe(429);
    expect(refusedOne.body).toEqual(GRAPHQL_REFUSAL);
    expect(Number(refusedOne.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refusedOne.retryAfter)).toBeLessThanOrEqual(30);
    const refusedTwo = await restCall(two, A, IS);
    expect(refusedTwo.status).toBe(429);
    expect(refusedTwo.body).toEqual(REST_REFUSAL);
    expect(refusedTwo.retryAfter).toMatch(/^[1-9]\d*$/);

    // The counter is in Redis, under the prefix, by credential SID (refusals count too).
    expect(await redis.get(`${keyPrefix}:${t.scenario.a.sid}`)).toBe('6');
    const ttl = await redis.pttl(`${keyPrefix}:${t.scenario.a.sid}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);

    // Another credential has its own budget on both.
    expect((await graphqlCall(one, B)).status).toBe(200);
    expect((await graphqlCall(two, B)).status).toBe(200);

    expect(logger.entries.filter((e) => e.level !== 'info' && e.level !== 'debug')).toEqual([]);
  });

  it('serves the credential again on both processes once the window has passed', async () => {
    const keyPrefix = `${prefix}:window`;
    const one = await gateway({ requests: 2, windowSeconds: 1, keyPrefix });
    const two = await gateway({ requests: 2, windowSeconds: 1, keyPrefix });

    expect((await graphqlCall(one, A)).status).toBe(200);
    expect((await restCall(two, A, IS)).status).toBe(200);
    const refused = [await graphqlCall(one, A), await restCall(two, A, IS)];
    expect(refused.map((r) => [r.status, r.retryAfter])).toEqual([
      [429, '1'],
      [429, '1'],
    ]);

    await sleep(1_100);
    expect((await restCall(two, A, IS)).status).toBe(200);
    expect((await graphqlCall(one, A)).status).toBe(200);
    expect((await graphqlCall(two, A)).status).toBe(429);
  });

  it('falls back to memory while Redis hangs (command timeout), and shares again when it answers', async () => {
    const keyPrefix = `${prefix}:hang`;
    const proxy = await startProxy(new URL(REDIS_URL));
    const proxied = new URL(REDIS_URL);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const logger = captureLogger();
    const app = await gateway({ requests: 10, windowSeconds: 30, keyPrefix, redisUrl: proxied.href }, logger);
    const counter = `${keyPrefix}:${t.scenario.a.sid}`;

    try {
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect(await redis.get(counter)).toBe('1');

      proxy.stall();
      let started = performance.now();
      expect((await restCall(app, A, IS)).status).toBe(200);
      // It waited for the command timeout (500 ms), no longer.
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(logger.at('warn')).toHaveLength(1);
      expect(logger.at('warn')[0]!.fields.reason).toMatch(/command failed or timed out \(connection ready\)/);
      // For a second after that, requests count in memory without waiting on Redis.
      started = performance.now();
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(400);

      proxy.unstall();
      await sleep(1_100);
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect(logger.at('info').filter((e) => /Redis reachable again/.test(e.msg))).toHaveLength(1);
      // The held command ran late; the request counted in memory during the cool-off never reached Redis.
      expect(await redis.get(counter)).toBe('3');
      expect(logger.at('warn')).toHaveLength(1);
      expect(logger.at('error')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('falls back to memory while Redis is away (one warning per outage), and shares again once it is back', async () => {
    const keyPrefix = `${prefix}:outage`;
    const proxy = await startProxy(new URL(REDIS_URL));
    const proxied = new URL(REDIS_URL);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const logger = captureLogger();
    const app = await gateway({ requests: 3, windowSeconds: 30, keyPrefix, redisUrl: proxied.href }, logger);
    const counter = `${keyPrefix}:${t.scenario.a.sid}`;
    const warnings = () => logger.at('warn').filter((e) => /Redis unreachable/.test(e.msg));
    const recoveries = () => logger.at('info').filter((e) => /Redis reachable again/.test(e.msg));

    try {
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect(await redis.get(counter)).toBe('1');

      // Redis goes away: requests are still served, counted in this process's memory.
      await proxy.cut();
      await sleep(100);
      const during = [];
      for (let i = 0; i < 5; i++) during.push((await restCall(app, A, IS)).status);
      expect(during).toEqual([200, 200, 200, 429, 429]);
      expect(await redis.get(counter)).toBe('1');
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.fields.redis).toBe(`redis://127.0.0.1:${proxy.port}`);
      expect(logger.at('error')).toEqual([]);

      // Redis is back (the client reconnects by itself): logged once, and counting is shared again,
      // from the count Redis had kept.
      await proxy.restore();
      const deadline = Date.now() + 15_000;
      while (recoveries().length === 0 && Date.now() < deadline) await sleep(50);
      expect(recoveries()).toHaveLength(1);
      expect(recoveries()[0]!.fields.redis).toBe(`redis://127.0.0.1:${proxy.port}`);
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect((await restCall(app, A, IS)).status).toBe(200);
      expect((await graphqlCall(app, A)).status).toBe(429);
      expect(await redis.get(counter)).toBe('4');
      expect(warnings()).toHaveLength(1);
      expect(recoveries()).toHaveLength(1);

      // A second outage is warned about again, once.
      await proxy.cut();
      await sleep(100);
      await graphqlCall(app, B);
      await graphqlCall(app, B);
      expect(warnings()).toHaveLength(2);
      expect(logger.at('error')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

interface Proxy {
  port: number;
  /** Holds Redis's replies back on the open connections: Redis looks hung. */
  stall(): void;
  /** Lets the held replies through. */
  unstall(): void;
  /** Drops every connection and stops listening: Redis looks down. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of the Redis of `target`, to take Redis away and bring it back. */
async function startProxy(target: URL): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let server: net.Server | undefined;
  let port = 0;

  const open = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        const pair = { client, upstream };
        pairs.add(pair);
        client.on('close', () => pairs.delete(pair));
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await open();
  return {
    get port() {
      return port;
    },
    stall() {
      for (const { client, upstream } of pairs) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    unstall() {
      for (const { client, upstream } of pairs) upstream.pipe(client);
    },
    cut,
    restore: open,
    close: cut,
  };
}
