/**
 * Stopping the gateway behind a load balancer (SIGTERM/SIGINT): readiness
 * false at once, no request reset or left unanswered, connections told to
 * close, exit 0 within SHUTDOWN_TIMEOUT_SECONDS (else destroyed, exit 1).
 * The real `npm start` process (src/bin/main.ts) on the embedded database;
 * every start after the first reuses the seeded folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, killGateways, startGateway } from '../helpers/gateway-process.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-shutdown-'));
let authorization = '';

beforeAll(async () => {
  const first = await startGateway({ DATA_DIR: dataDir });
  if (!first.demo) throw new Error(`no demo credentials in the banner:\n${first.stdout()}`);
  authorization = `Basic ${Buffer.from(`${first.demo.accountSid}:${first.demo.authToken}`).toString('base64')}`;
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
}, 180_000);

afterAll(() => {
  killGateways();
  rmSync(dataDir, { recursive: true, force: true });
});

const QUERY = JSON.stringify({ query: '{ account { sid } }' });

function graphqlRequest(contentLength = Buffer.byteLength(QUERY)): string {
  return [
    'POST /graphql HTTP/1.1',
    'Host: gateway',
    `Authorization: ${authorization}`,
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
    '',
    '',
  ].join('\r\n');
}

/** A raw connection: what the server sends back, and whether it closed. */
async function connect(baseUrl: string) {
  const { port } = new URL(baseUrl);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (c: Buffer) => (received += c.toString()));
  socket.on('error', (err) => (error = err));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    ended,
    error: () => error,
    /** Waits until `count` complete responses have arrived; returns them. */
    async responses(count: number, timeoutMs = 10_000): Promise<Array<{ status: number; headers: string; body: string }>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const parsed = parseResponses(received);
        if (parsed.length >= count) return parsed;
        if (Date.now() > deadline) throw new Error(`expected ${count} responses, got:\n${received}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Complete HTTP/1.1 responses in `raw`, bodies sized by content-length or chunked. */
function parseResponses(raw: string): Array<{ status: number; headers: string; body: string }> {
  const out = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const headers = rest.slice(0, end).toLowerCase();
    let body = '';
    let next = end + 4;
    if (/transfer-encoding: chunked/.test(headers)) {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', next);
        if (lineEnd < 0) return out;
        const size = Number.parseInt(rest.slice(next, lineEnd), 16);
        if (rest.length < lineEnd + 2 + size + 2) return out;
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        next = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
    } else {
      const length = Number(/content-length: (\d+)/.exec(headers)?.[1] ?? 0);
      if (rest.length < next + length) return out;
      body = rest.slice(next, next + length);
      next += length;
    }
    out.push({ status: Number(headers.slice(9, 12)), headers, body });
    rest = rest.slice(next);
  }
}

async function stopAndTime(gateway: GatewayProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  gateway.child.kill('SIGTERM');
  const code = await gateway.exited;
  return { code, ms: performance.now() - started };
}

describe('graceful shutdown', () => {
  it('serves /livez and /readyz without credentials', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir });
    for (const path of ['/livez', '/health']) {
      const live = await fetch(`${gateway.baseUrl}${path}`);
      expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    }
    const ready = await fetch(`${gateway.baseUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    // The first start printed the credentials; later starts say how to get a new token.
    expect(gateway.stdout()).not.toMatch(/AuthToken/);
    expect(gateway.stdout()).toMatch(/account:rotate-token/);
    expect((await stopAndTime(gateway)).code).toBe(0);
  }, 60_000);

  it('under steady keep-alive load: no request reset or unanswered, close told, exit 0', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const outcomes: Array<{ sentAfterSignal: boolean; status?: number; connection?: string; error?: string }> = [];
    let signalled = false;
    let refused = 0;
    const client = async () => {
      for (;;) {
        const sentAfterSignal = signalled;
        const outcome = await new Promise<(typeof outcomes)[number]>((resolve) => {
          const req = http.request(
            `${gateway.baseUrl}/graphql`,
            { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json' } },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () =>
                resolve({
                  sentAfterSignal,
                  status: res.statusCode,
                  connection: String(res.headers.connection),
                  ...(res.statusCode === 200 && !body.includes('"sid"') ? { error: `body ${body}` } : {}),
                }),
              );
            },
          );
          req.on('error', (err: NodeJS.ErrnoException) => resolve({ sentAfterSignal, error: err.code ?? err.message }));
          req.end(QUERY);
        });
        if (outcome.error === 'ECONNREFUSED') {
          // The listener is closed: a load balancer sends this client elsewhere.
          refused++;
          return;
        }
        outcomes.push(outcome);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 1_500));
    const before = outcomes.length;
    signalled = true;
    const { code, ms } = await stopAndTime(gateway);
    await Promise.all(clients);
    agent.destroy();

    expect(before).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    const afterSignal = outcomes.filter((o) => o.sentAfterSignal);
    expect(afterSignal.length).toBeGreaterThan(0);
    // Each kept-alive connection ends with an answer that says so.
    expect(outcomes.filter((o) => o.connection === 'close').length).toBeGreaterThanOrEqual(1);
    expect(refused).toBe(8);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(gateway.stderr()).toMatch(/"msg":"stopped","drained":true/);
  }, 120_000);

  it('an open bindingEvents stream ends with an error event at once and does not hold the shutdown', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const services = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ services(first: 1) { nodes { sid } } }' }),
    });
    const service = ((await services.json()) as { data: { services: { nodes: Array<{ sid: string }> } } }).data.services.nodes[0]!.sid;
    const response = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { bindingEvents(serviceSid: "${service}") { kind binding { sid } } }` }),
    });
    expect(response.status).toBe(200);
    const body = response.text();
    await new Promise((r) => setTimeout(r, 200));
    const { code, ms } = await stopAndTime(gateway);
    const text = await body;
    expect(text).toMatch(/"code":"SERVICE_UNAVAILABLE"/);
    expect(text).toMatch(/shutting down/);
    expect(text).toMatch(/event: complete/);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(gateway.stderr()).toMatch(/"msg":"stopped","drained":true/);
  }, 60_000);

  it('an idle kept-alive connection gets its next answer with Connection: close; readiness is false at once', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir });
    const conn = await connect(gateway.baseUrl);
    conn.socket.write(graphqlRequest() + QUERY);
    const [first] = await conn.responses(1);
    expect(first?.status).toBe(200);
    expect(first?.headers).toMatch(/connection: keep-alive/);

    gateway.child.kill('SIGTERM');
    await gateway.logged('"msg":"shutting down"');
    conn.socket.write('GET /readyz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const [, ready] = await conn.responses(2);
    expect(ready?.status).toBe(503);
    expect(JSON.parse(ready?.body ?? '')).toEqual({ status: 'unavailable', reason: 'shutting down' });
    expect(ready?.headers).toMatch(/connection: close/);
    await conn.ended;
    expect(conn.error()).toBeUndefined();
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it('a request in flight at the signal is finished before the exit', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir });
    const conn = await connect(gateway.baseUrl);
    const half = Math.floor(QUERY.length / 2);
    conn.socket.write(graphqlRequest() + QUERY.slice(0, half));
    await new Promise((r) => setTimeout(r, 100));
    gateway.child.kill('SIGTERM');
    await gateway.logged('"msg":"shutting down"');
    // Longer than the idle grace: a connection with a request in flight is not idle.
    await new Promise((r) => setTimeout(r, 1_500));
    conn.socket.write(QUERY.slice(half));
    const [answer] = await conn.responses(1);
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer?.body ?? '')).toMatchObject({ data: { account: { sid: expect.stringMatching(/^AC/) } } });
    expect(answer?.headers).toMatch(/connection: close/);
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it('after SHUTDOWN_TIMEOUT_SECONDS what is left is destroyed and the exit is non-zero', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const conn = await connect(gateway.baseUrl);
    // A request whose body never completes.
    conn.socket.write(graphqlRequest(QUERY.length) + QUERY.slice(0, 5));
    await new Promise((r) => setTimeout(r, 100));
    const { code, ms } = await stopAndTime(gateway);
    expect(code).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(8_000);
    await conn.ended;
    expect(gateway.stderr()).toMatch(/"msg":"stopped","drained":false/);
  }, 60_000);
});

describe('first start', () => {
  it('a taken port fails before the data folder is touched, with a JSON log line and a one-line reason', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const freshDir = mkdtempSync(path.join(os.tmpdir(), 'gw-port-'));
    try {
      const failed = startGateway({ DATA_DIR: path.join(freshDir, 'data'), PORT: String(port) });
      await expect(failed).rejects.toThrow(/exited before its banner/);
      const error = await failed.catch((err: Error) => err.message);
      expect(error).toMatch(/"level":"error","msg":"gateway stopped on a fatal error","reason":"cannot listen on HOST 127.0.0.1 PORT \d+: EADDRINUSE"/);
      expect(error).toMatch(/^error: cannot listen on HOST 127\.0\.0\.1 PORT \d+: EADDRINUSE$/m);
      // Nothing was created: the next start, on a free port, still shows the demo credentials.
      const gateway = await startGateway({ DATA_DIR: path.join(freshDir, 'data') });
      expect(gateway.demo).toBeDefined();
      expect(gateway.stdout()).toMatch(/API key {4}SK\w{32} {2}secret \S+/);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    } finally {
      holder.close();
      rmSync(freshDir, { recursive: true, force: true });
    }
  }, 180_000);
});
