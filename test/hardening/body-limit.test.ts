/**
 * Request body size limit (MAX_BODY_BYTES), in front of both doors and before
 * authentication: 413 in the door's own error shape, whether the body declares
 * its length or comes chunked without one, in-process and over real HTTP.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/platform/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Listening, listen } from '../helpers/server.js';

let t: TestApp;
/** MAX_BODY_BYTES=1000. */
let small: TestApp;
let server: Listening;

beforeAll(async () => {
  [t, small] = await Promise.all([startTestApp({ seed: 'body-limit' }), startTestApp({ seed: 'body-limit-small', app: { limits: { maxBodyBytes: 1000 } } })]);
  server = await listen(small.app);
});

afterAll(async () => {
  await server?.close();
  await Promise.all([t?.close(), small?.close()]);
});

/** A GraphQL JSON body of exactly `bytes` bytes (the query padded with spaces). */
function graphqlBody(bytes: number, query = '{ account { sid } }'): string {
  const bare = JSON.stringify({ query });
  return JSON.stringify({ query: query + ' '.repeat(bytes - bare.length) });
}

/** A stream of `chunks` × `size` bytes, with no length known up front. */
function stream(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
}

function post(app: TestApp, path: string, body: BodyInit, headers: Record<string, string> = {}) {
  app.queries.length = 0;
  return app.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: app.scenario.a.authorization, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

const graphql413 = (max: number) => ({ errors: [{ message: `Request body larger than ${max} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

describe('GraphQL', () => {
  it(`accepts a body of exactly MAX_BODY_BYTES (default ${DEFAULT_LIMITS.maxBodyBytes})`, async () => {
    const body = graphqlBody(DEFAULT_LIMITS.maxBodyBytes);
    expect(Buffer.byteLength(body)).toBe(100_000);
    const response = await post(t, '/graphql', body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { account: { sid: t.scenario.a.sid } } });
  });

  it('refuses one byte more with 413 in the GraphQL error shape, before authentication', async () => {
    const response = await post(t, '/graphql', graphqlBody(DEFAULT_LIMITS.maxBodyBytes + 1));
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(graphql413(100_000));
    expect(t.queries).toEqual([]);
  });

  it('refuses a chunked body without a content-length once it passes the limit', async () => {
    const response = await post(t, '/graphql', stream(50, 10_000));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(graphql413(100_000));
    expect(t.queries).toEqual([]);
  });

  it('follows the configured limit', async () => {
    expect((await post(small, '/graphql', graphqlBody(1000))).status).toBe(200);
    const response = await post(small, '/graphql', graphqlBody(1001));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(graphql413(1000));
  });
});

describe('REST', () => {
  it('refuses a large body with 413 in the Twilio error shape', async () => {
    const path = `/v2/Services/${t.scenario.a.services[0]!.sid}/Bindings`;
    for (const body of ['x'.repeat(100_001), stream(50, 10_000)]) {
      const response = await post(t, path, body, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        code: 20001,
        message: 'Request body larger than 100000 bytes',
        more_info: 'https://www.twilio.com/docs/errors/20001',
        status: 413,
      });
    }
    expect(t.queries).toEqual([]);
  });
});

describe('over HTTP', () => {
  /** Sends `chunks` chunked pieces of `size` bytes to the real server, without content-length. */
  function chunked(path: string, chunks: number, size: number, pace = 0): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, server.baseUrl);
      const request = http.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: small.scenario.a.authorization, 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (piece: string) => (body += piece));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      // The server may answer and close before the whole body is sent.
      request.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      let sent = 0;
      const next = () => {
        if (sent++ === chunks) return void request.end();
        request.write(' '.repeat(size));
        setTimeout(next, pace);
      };
      next();
    });
  }

  it('a chunked body over the limit gets 413 and the server keeps serving', async () => {
    const refused = await chunked('/graphql', 20, 100, 5);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual(graphql413(1000));
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: small.scenario.a.authorization },
      body: graphqlBody(1000),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { account: { sid: small.scenario.a.sid } } });
  });

  it('a declared content-length over the limit gets 413', async () => {
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: small.scenario.a.authorization },
      body: graphqlBody(5000),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(graphql413(1000));
  });
});
