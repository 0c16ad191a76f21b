/**
 * The real HTTP server (src/server.ts) on 127.0.0.1 over a test database with
 * the standard scenario, and the official `twilio` client pointed at it with
 * BINDINGS_API.md §8 recipe A (a RequestClient that rewrites *.twilio.com).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { type App, createApp } from '../../src/app.js';
import { type CreatedApiKey, createApiKey } from '../../src/domain/accounts.js';
import { createLogger } from '../../src/platform/logger.js';
import { createHttpServer } from '../../src/server.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { createScenario, type Scenario, type ScenarioOptions } from './scenario.js';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');

export interface Listening {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves an app with the gateway's own node:http server on 127.0.0.1, on a free port. */
export async function listen(app: App): Promise<Listening> {
  const server = createHttpServer(app, testLogger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of fetch and the twilio client would hold close() open.
        server.closeAllConnections();
      }),
  };
}

export interface TestServer extends Listening {
  db: TestDatabase;
  app: App;
  scenario: Scenario;
  /** An API key (SK…) of account A. */
  apiKey: CreatedApiKey;
}

export interface TestServerOptions extends ScenarioOptions {
  /** PUBLIC_URL: the origin put in bodies instead of the request's own. */
  publicUrl?: string;
}

/** A test database with the scenario and an API key of account A, served over HTTP. */
export async function startTestServer({ publicUrl, ...scenarioOptions }: TestServerOptions = {}): Promise<TestServer> {
  const db = await openTestDatabase();
  try {
    const scenario = await createScenario(db.prisma, scenarioOptions);
    const apiKey = await createApiKey(db.prisma, { accountSid: scenario.a.sid, friendlyName: 'test key' });
    const app = await createApp(db, testLogger, { publicUrl });
    const listening = await listen(app);
    return {
      ...listening,
      db,
      app,
      scenario,
      apiKey,
      async close() {
        try {
          await listening.close();
        } finally {
          await db.close();
        }
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** `Authorization: Basic …` for a user name and password. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** One HTTP exchange of the twilio client, as its RequestClient saw it. */
export interface Exchange {
  method: string;
  /** The URL actually requested (after the host rewrite), query included. */
  url: string;
  statusCode: number;
  /** The body as the RequestClient resolved it (axios parses JSON; '' for an empty body). */
  body: unknown;
  /** `body` as JSON: parsed when it came as a string, undefined when empty. */
  json: unknown;
  headers: Record<string, unknown>;
}

export interface TwilioClientOptions {
  /** Needed with an `SK…` user name: the account the key belongs to. */
  accountSid?: string;
  /** Every exchange is appended here. */
  exchanges?: Exchange[];
}

/**
 * The unmodified `twilio` client aimed at `baseUrl` (BINDINGS_API.md §8 recipe
 * A): its RequestClient rewrites any *.twilio.com host to baseUrl, after the
 * library has built the URL, so it also covers next/previous page URLs that
 * name chat.twilio.com. `region`/`edge` '' keep TWILIO_REGION/TWILIO_EDGE out.
 */
export function twilioClient(baseUrl: string, username: string, password: string, opts: TwilioClientOptions = {}): twilio.Twilio {
  const base = new URL(baseUrl);
  const exchanges = opts.exchanges;

  class Redirect extends twilio.RequestClient {
    override async request<TData>(options: RequestClient.RequestOptions<TData>) {
      const uri = new URL(options.uri);
      if (/(^|\.)twilio\.com$/i.test(uri.hostname)) {
        uri.protocol = base.protocol;
        uri.host = base.host;
      }
      const response = await super.request({ ...options, uri: uri.href });
      if (exchanges) {
        // The query string is added by axios from options.params; rebuild it for the record.
        const url = new URL(uri.href);
        for (const [key, value] of Object.entries((options.params ?? {}) as Record<string, unknown>)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
        }
        const body: unknown = response.body;
        const json = typeof body === 'string' ? (body === '' ? undefined : JSON.parse(body)) : body;
        exchanges.push({
          method: options.method.toUpperCase(),
          url: url.href,
          statusCode: response.statusCode,
          body,
          json,
          headers: { ...(response.headers as Record<string, unknown>) },
        });
      }
      return response;
    }
  }

  return twilio(username, password, {
    httpClient: new Redirect(),
    region: '',
    edge: '',
    ...(opts.accountSid !== undefined ? { accountSid: opts.accountSid } : {}),
  });
}
