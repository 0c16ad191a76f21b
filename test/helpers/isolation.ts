/**
 * Helpers for the security suites (test/security): an app over the standard
 * scenario with rate limiting off (the matrices send far more than 1200
 * requests per credential), raw request helpers for both front doors, API
 * keys of a given scope, and a leak detector that looks for one account's
 * data in another account's responses.
 */
import { randomBytes } from 'node:crypto';
import { type App, createApp } from '../../src/app.js';
import { type CreatedApiKey, createApiKey } from '../../src/domain/accounts.js';
import { createLogger } from '../../src/platform/logger.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { createScenario, type Scenario, type ScenarioOptions } from './scenario.js';

export const ORIGIN = 'http://gateway.test';

export interface Answer {
  status: number;
  headers: Headers;
  /** The body as sent. */
  text: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: any;
}

export interface Harness {
  db: TestDatabase;
  app: App;
  scenario: Scenario;
  /** Any request, in-process; `path` is relative to the gateway's origin. */
  request(method: string, path: string, authorization: string | null, headers?: Record<string, string>): Promise<Answer>;
  /** POSTs a GraphQL operation. */
  graphql(query: string, variables: Record<string, unknown>, authorization: string | null, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** A migrated test database with the standard scenario, and an app over it without rate limiting. */
export async function startHarness(options: ScenarioOptions = {}): Promise<Harness> {
  const db = await openTestDatabase();
  let app: App | undefined;
  try {
    const scenario = await createScenario(db.prisma, options);
    app = await createApp(db, createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent'), {
      rateLimit: { requests: 0 },
    });
    const theApp = app;
    const send = async (method: string, path: string, authorization: string | null, headers: Record<string, string>, body?: string) => {
      const h: Record<string, string> = { accept: 'application/json', ...headers };
      if (authorization) h.authorization = authorization;
      const response = await theApp.fetch(new Request(new URL(path, ORIGIN), { method, headers: h, body }));
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    };
    return {
      db,
      app,
      scenario,
      request: (method, path, authorization, headers = {}) => send(method, path, authorization, headers),
      graphql: (query, variables, authorization, headers = {}) =>
        send('POST', '/graphql', authorization, { 'content-type': 'application/json', ...headers }, JSON.stringify({ query, variables })),
      async close() {
        try {
          await theApp.close();
        } finally {
          await db.close();
        }
      },
    };
  } catch (err) {
    await app?.close().catch(() => {});
    await db.close();
    throw err;
  }
}

/** `Authorization: Basic …` for a user name and password. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface TestKey extends CreatedApiKey {
  scope: 'read' | 'read-write';
  authorization: string;
}

/** An API key of `accountSid` with the given scope (checked in the database, whatever createApiKey does with it). */
export async function makeApiKey(db: TestDatabase, accountSid: string, scope: 'read' | 'read-write', friendlyName = `${scope} key`): Promise<TestKey> {
  const key = await createApiKey(db.prisma, { accountSid, friendlyName, scope });
  const dbScope = scope === 'read' ? 'read' : 'read_write';
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { sid: key.sid } });
  if (row.scope !== dbScope) await db.prisma.apiKey.update({ where: { sid: key.sid }, data: { scope: dbScope } });
  return { ...key, scope, authorization: basicAuth(key.sid, key.secret) };
}

// ---------------------------------------------------------------------------
// Leak detection

/** A value of the victim account found in a response of the other account. */
export interface Leak {
  /** Which request. */
  label: string;
  /** What was found (e.g. `binding sid BS…`). */
  what: string;
  /** The body around it. */
  excerpt: string;
}

/** How a value can be spelled in a body: as is, in a URL path, in a query string, inside a JSON string. */
const FORMS: Array<(s: string) => string> = [
  (s) => s,
  encodeURIComponent,
  (s) => new URLSearchParams({ v: s }).toString().slice(2),
  (s) => JSON.stringify(s).slice(1, -1),
];

/** The spellings a string can take in a body: as is, in a URL path or query, inside a JSON string. */
export function spellings(value: string): string[] {
  return [...new Set(FORMS.map((form) => form(value)))].filter((f) => f.length > 0);
}

/**
 * Counts the victim's values in bodies. What the request itself supplied
 * (`echoes`, e.g. a foreign SID in the path, which a 404 message repeats) is
 * blanked out first: repeating the caller's own input reveals nothing. The
 * callers pin the exact body shape separately, so an echo cannot hide data.
 */
export class LeakDetector {
  readonly leaks: Leak[] = [];
  scanned = 0;
  private readonly needles: Array<{ what: string; needle: string }> = [];

  /** `secrets`: value → description; `marker`: a pattern only the victim's data matches (e.g. /alpha/i). */
  constructor(
    secrets: Map<string, string>,
    private readonly marker?: RegExp,
  ) {
    for (const [value, what] of secrets) for (const needle of spellings(value)) this.needles.push({ what, needle });
  }

  scan(label: string, body: string, echoes: readonly string[] = []): Leak[] {
    this.scanned++;
    let text = body;
    const blanks = [...new Set(echoes.flatMap(spellings))].sort((x, y) => y.length - x.length);
    for (const echo of blanks) text = text.split(echo).join('\u2400');
    const found: Leak[] = [];
    for (const { what, needle } of this.needles) {
      const at = text.indexOf(needle);
      if (at >= 0) found.push({ label, what, excerpt: text.slice(Math.max(0, at - 80), at + needle.length + 80) });
    }
    if (this.marker) {
      const match = new RegExp(this.marker.source, this.marker.flags.replace('g', '')).exec(text);
      if (match && !found.length) {
        found.push({ label, what: `marker ${this.marker}`, excerpt: text.slice(Math.max(0, match.index - 80), match.index + 80) });
      }
    }
    this.leaks.push(...found);
    return found;
  }

  /** A printable report of every leak so far. */
  report(): string {
    return this.leaks.map((l) => `- ${l.label}: ${l.what}\n    …${l.excerpt}…`).join('\n');
  }
}

/**
 * Everything of one account a response to another must never contain: SIDs
 * (account, services, users, bindings, credentials, API keys), identities,
 * endpoints and friendly names.
 */
export async function accountSecrets(db: TestDatabase, accountSid: string): Promise<Map<string, string>> {
  const p = db.prisma;
  const secrets = new Map<string, string>();
  const add = (value: string | null | undefined, what: string) => {
    if (value) secrets.set(value, what);
  };
  const account = await p.account.findUniqueOrThrow({ where: { sid: accountSid } });
  add(account.sid, 'account sid');
  add(account.friendlyName, 'account friendly name');
  for (const s of await p.service.findMany({ where: { accountSid } })) {
    add(s.sid, `service sid ${s.sid}`);
    add(s.friendlyName, `service friendly name of ${s.sid}`);
  }
  for (const u of await p.user.findMany({ where: { service: { accountSid } } })) {
    add(u.sid, `user sid ${u.sid}`);
    add(u.identity, `identity of ${u.sid}`);
    add(u.friendlyName, `user friendly name of ${u.sid}`);
  }
  for (const b of await p.binding.findMany({ where: { accountSid } })) {
    add(b.sid, `binding sid ${b.sid}`);
    add(b.endpoint, `endpoint of ${b.sid}`);
  }
  for (const c of await p.credential.findMany({ where: { accountSid } })) {
    add(c.sid, `credential sid ${c.sid}`);
    add(c.friendlyName, `credential friendly name of ${c.sid}`);
  }
  for (const k of await p.apiKey.findMany({ where: { accountSid } })) add(k.sid, `API key sid ${k.sid}`);
  return secrets;
}

/**
 * Makes an account's endpoints and user friendly names its own: the scenario
 * gives both accounts `endpoint-0…` and `User 0…`, which would make a leak of
 * those values indistinguishable from the other account's own data.
 */
export async function brandAccountData(db: TestDatabase, accountSid: string, brand: string): Promise<void> {
  const p = db.prisma;
  for (const b of await p.binding.findMany({ where: { accountSid }, select: { sid: true, endpoint: true } })) {
    await p.binding.update({ where: { sid: b.sid }, data: { endpoint: `${brand}-${b.endpoint}` } });
  }
  for (const u of await p.user.findMany({ where: { service: { accountSid } }, select: { sid: true, friendlyName: true } })) {
    await p.user.update({ where: { sid: u.sid }, data: { friendlyName: `${brand} ${u.friendlyName ?? ''}`.trim() } });
  }
}

// ---------------------------------------------------------------------------
// Unknown twins: the same request with the foreign values swapped for values
// that exist nowhere. Foreign and unknown must be answered alike.

const SID = /^([A-Z]{2})[0-9a-f]{32}$/;

/** A value of the same form as `value` that names nothing: a fresh SID of the same prefix, or a fresh identity / token. */
export function unknownTwin(value: string): string {
  const sid = SID.exec(value);
  if (sid) return sid[1] + randomBytes(16).toString('hex');
  // REST page token: PA/PB + cursor; GraphQL cursor: base64url "." base64url (same lengths keep the shapes alike).
  const token = /^(P[AB])?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(value);
  if (token) {
    const rand = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
    return `${token[1] ?? ''}${rand(token[2]!.length)}.${rand(token[3]!.length)}`;
  }
  return `ghost-${randomBytes(6).toString('hex')}@nowhere.example`;
}

/** Replaces every spelling of each `from` (as is, URL-encoded, JSON-escaped) with the same spelling of its `to`. */
export function replaceAll(text: string, pairs: ReadonlyArray<readonly [from: string, to: string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    for (const form of FORMS) {
      const needle = form(from);
      if (needle) out = out.split(needle).join(form(to));
    }
  }
  return out;
}
