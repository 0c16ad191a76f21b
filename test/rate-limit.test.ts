/**
 * Rate limits per credential with the in-memory counters (no REDIS_URL), and
 * with a REDIS_URL that cannot be reached (the in-memory fallback). Tests of
 * counters shared through a real Redis are in rate-limit-redis.test.ts.
 */

import { RateLimiterMemory } from 'rate-limiter-flexible';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type App, type AppOptions, createApp } from '../src/app.js';
import { type CreatedApiKey, createApiKey } from '../src/domain/accounts.js';
import { silentLogger } from '../src/platform/logger.js';
import { createRateLimiter } from '../src/security/rate-limit.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { captureLogger } from './helpers/capture-logger.js';
import { GRAPHQL_REFUSAL, graphqlCall, REST_REFUSAL, restCall, sleep } from './helpers/rate-limit.js';
import { basicAuth, listen, twilioClient } from './helpers/server.js';

let t: TestApp;
let IS: string;
let A: string;
let B: string;
let key: CreatedApiKey;
let KEY: string;
const apps: App[] = [];

beforeAll(async () => {
  t = await startTestApp({ seed: 'rate-limit', bigServiceBindings: 5, users: 2 });
  IS = t.scenario.a.services[0]!.sid;
  A = t.scenario.a.authorization;
  B = t.scenario.b.authorization;
  key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid, friendlyName: 'rate-limit key' });
  KEY = basicAuth(key.sid, key.secret);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await t?.close();
});

/** Another gateway app over the test database, with these rate-limit settings. */
async function gateway(rateLimit: AppOptions['rateLimit'], logger = silentLogger): Promise<App> {
  const app = await createApp(t.db, logger, { rateLimit });
  apps.push(app);
  return app;
}

function expectRetryAfterWithin(answer: { retryAfter: string | null }, min: number, max: number) {
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
  const seconds = Number(answer.retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(min);
  expect(seconds).toBeLessThanOrEqual(max);
}

describe('rate limit per credential, in memory', () => {
  it('allows N GraphQL requests, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const app = await gateway({ requests: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await graphqlCall(app, A)).status).toBe(200);

    const refused = await graphqlCall(app, A);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(GRAPHQL_REFUSAL);
    expectRetryAfterWithin(refused, 58, 60);

    // One budget per credential across both front doors.
    const rest = await restCall(app, A, IS);
    expect(rest.status).toBe(429);
    expect(rest.body).toEqual(REST_REFUSAL);
  });

  it('allows N REST requests, then answers 429 with Twilio code 20429 and Retry-After', async () => {
    const app = await gateway({ requests: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      const ok = await restCall(app, A, IS);
      expect(ok.status).toBe(200);
      expect(ok.retryAfter).toBeNull();
    }

    const refused = await restCall(app, A, IS);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(REST_REFUSAL);
    expectRetryAfterWithin(refused, 58, 60);

    const graphql = await graphqlCall(app, A);
    expect(graphql.status).toBe(429);
    expect(graphql.body).toEqual(GRAPHQL_REFUSAL);
  });

  it('counts each credential on its own: another account, and an API key of the same account, still pass', async () => {
    const app = await gateway({ requests: 2, windowSeconds: 60 });
    expect((await graphqlCall(app, A)).status).toBe(200);
    expect((await restCall(app, A, IS)).status).toBe(200);
    expect((await graphqlCall(app, A)).status).toBe(429);

    // Account B's auth token.
    expect((await graphqlCall(app, B)).status).toBe(200);
    expect((await restCall(app, B, t.scenario.b.services[0]!.sid)).status).toBe(200);
    expect((await graphqlCall(app, B)).status).toBe(429);

    // An API key of account A has a budget of its own.
    expect((await restCall(app, KEY, IS)).status).toBe(200);
    expect((await graphqlCall(app, KEY)).status).toBe(200);
    expect((await restCall(app, KEY, IS)).status).toBe(429);

    // Requests that do not authenticate are not counted against anyone: they get 401.
    expect((await restCall(app, null, IS)).status).toBe(401);
    expect((await restCall(app, basicAuth(t.scenario.a.sid, 'wrong'), IS)).status).toBe(401);
    expect((await graphqlCall(app, A)).status).toBe(429);
  });

  it('serves the credential again once the window has passed', async () => {
    const app = await gateway({ requests: 2, windowSeconds: 1 });
    expect((await graphqlCall(app, A)).status).toBe(200);
    expect((await restCall(app, A, IS)).status).toBe(200);
    const refusedGraphql = await graphqlCall(app, A);
    const refusedRest = await restCall(app, A, IS);
    expect([refusedGraphql.status, refusedRest.status]).toEqual([429, 429]);
    // ceil(ms before the window ends / 1000), never 0.
    expect([refusedGraphql.retryAfter, refusedRest.retryAfter]).toEqual(['1', '1']);

    await sleep(1_100);
    expect((await graphqlCall(app, A)).status).toBe(200);
    expect((await restCall(app, A, IS)).status).toBe(200);
    expect((await graphqlCall(app, A)).status).toBe(429);
  });

  it('sends the refusal over HTTP as the twilio client expects it (RestException 20429)', async () => {
    const app = await gateway({ requests: 1, windowSeconds: 60 });
    const server = await listen(app);
    try {
      const client = twilioClient(server.baseUrl, t.scenario.a.sid, t.scenario.a.authToken);
      expect(await client.chat.v2.services(IS).bindings.list({ limit: 1 })).toHaveLength(1);
      const failure = await client.chat.v2
        .services(IS)
        .bindings.list({ limit: 1 })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(twilio.RestException);
      expect(failure).toMatchObject({ status: 429, code: 20429, moreInfo: REST_REFUSAL.more_info });

      const raw = await fetch(`${server.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: A },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(raw.status).toBe(429);
      expect(raw.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await raw.json()).toEqual(GRAPHQL_REFUSAL);
    } finally {
      await server.close();
    }
  });

  it('does not limit at all with requests: 0', async () => {
    const limiter = createRateLimiter({ requests: 0, windowSeconds: 1, redisUrl: undefined }, silentLogger);
    for (let i = 0; i < 5_000; i++) expect((await limiter.consume('AC0')).allowed).toBe(true);
    await limiter.close();

    const app = await gateway({ requests: 0 });
    for (let i = 0; i < 20; i++) expect((await graphqlCall(app, A)).status).toBe(200);
  });

  it('allows the request and logs an error when the limiter itself fails (never a 500)', async () => {
    const logger = captureLogger();
    const app = await gateway({ requests: 1, windowSeconds: 60 }, logger);
    const spy = vi.spyOn(RateLimiterMemory.prototype, 'consume').mockRejectedValue(new Error('limiter exploded'));
    try {
      expect((await graphqlCall(app, A)).status).toBe(200);
      expect((await restCall(app, A, IS)).status).toBe(200);
      expect((await graphqlCall(app, A)).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    const errors = logger.at('error').filter((e) => e.msg === 'rate limiting failed; request allowed');
    expect(errors).toHaveLength(3);
    expect(errors[0]!.fields.err).toMatchObject({ message: 'limiter exploded' });
  });

  it('rounds Retry-After up to whole seconds, at least 1', async () => {
    const limiter = createRateLimiter({ requests: 1, windowSeconds: 3, redisUrl: undefined }, silentLogger);
    expect(await limiter.consume('AC1')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(await limiter.consume('AC1')).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(await limiter.consume('AC2')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    await limiter.close();
  });
});

describe('rate limit with an unreachable Redis', () => {
  it('still serves requests, limited in memory, with one warning (no password in it)', async () => {
    const logger = captureLogger();
    const app = await gateway({ requests: 3, windowSeconds: 60, redisUrl: 'redis://:s3cret-pw@127.0.0.1:1' }, logger);

    expect((await graphqlCall(app, A)).status).toBe(200);
    expect((await restCall(app, A, IS)).status).toBe(200);
    expect((await graphqlCall(app, A)).status).toBe(200);
    const refused = await restCall(app, A, IS);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(REST_REFUSAL);
    expectRetryAfterWithin(refused, 58, 60);
    expect((await graphqlCall(app, A)).status).toBe(429);
    expect((await graphqlCall(app, B)).status).toBe(200);

    const warnings = logger.at('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/Redis unreachable/);
    expect(warnings[0]!.fields).toMatchObject({ redis: 'redis://127.0.0.1:1', reason: expect.stringMatching(/ECONNREFUSED/) });
    expect(logger.at('error')).toEqual([]);
    expect(JSON.stringify(logger.entries)).not.toContain('s3cret-pw');

    const started = performance.now();
    await app.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
