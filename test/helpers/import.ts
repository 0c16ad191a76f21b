/**
 * For the importer's suites (test/import): a source gateway serving a
 * generated account over HTTP, a target database that both the test and a
 * spawned CLI reach, row snapshots to compare the two, the CLI as a child
 * process, and an HTTP proxy that injects faults between the two.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect } from 'vitest';
import { createAdminHandler } from '../../src/admin/channel.js';
import { type App, createApp } from '../../src/app.js';
import { type Database, openDatabase, type PrismaClient, quoteIdent } from '../../src/db/database.js';
import { type ImportEvents, type ImportPlan, type ImportSummary, type PageEvent, runImport } from '../../src/import/run.js';
import { type RetryEvent, TwilioSource } from '../../src/import/source.js';
import { createDirectStore } from '../../src/import/store.js';
import { silentLogger } from '../../src/platform/logger.js';
import { hashSecret, newAuthToken } from '../../src/security/secrets.js';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './db.js';
import { createScenario, type Scenario } from './scenario.js';
import { listen, testLogger } from './server.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------------------
// The source: a gateway over a test database, served on 127.0.0.1.

export interface Source {
  db: TestDatabase;
  app: App;
  /** The standard small scenario (accounts A and B), besides what the test generates. */
  scenario: Scenario;
  baseUrl: string;
  close(): Promise<void>;
}

/** A test database with the scenario, served without a rate limit (the importer's requests are what the tests count). */
export async function startSource(seed: string): Promise<Source> {
  const db = await openTestDatabase();
  try {
    const scenario = await createScenario(db.prisma, { seed });
    const app = await createApp(db, testLogger, { rateLimit: { requests: 0 } });
    const listening = await listen(app);
    return {
      db,
      app,
      scenario,
      baseUrl: listening.baseUrl,
      async close() {
        try {
          await listening.close();
          await app.close();
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

export interface AccountShape {
  services: number;
  usersPerService: number;
  bindingsPerService: number;
}

export interface GeneratedAccount {
  sid: string;
  authToken: string;
  authorization: string;
  /** Service SIDs, in generation order. */
  services: string[];
  /** Credential SIDs: apn (sandbox), gcm, fcm, apn (production, no name). */
  credentials: string[];
  users: number;
  bindings: number;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * An account with `shape`, written with set-based SQL (generate_series) in
 * foreign-key order: account, credentials, services, users, bindings. SIDs
 * derive from `seed`; the data varies where an importer could lose it: dates
 * with milliseconds, null and non-ASCII names, identities with spaces and URL
 * characters, empty and long message type lists, bindings without credential,
 * users without bindings, a sandbox credential.
 */
export async function generateAccount(db: Database, seed: string, shape: AccountShape): Promise<GeneratedAccount> {
  const { services, usersPerService: users, bindingsPerService: bindings } = shape;
  const authToken = newAuthToken();
  const sid = `AC${md5(`${seed}:ac`)}`;
  const s = literal(seed);
  const ac = literal(sid);
  const base = `timestamp '2019-03-04 05:06:07.891'`;
  const credentials = [0, 1, 2, 3].map((n) => `CR${md5(`${seed}:cr:${n}`)}`);
  const identity = (u: string) => `CASE WHEN (${u}) % 7 = 3 THEN 'Zoë ' || (${u}) || ' +tag/x%20?&=' ELSE 'user-' || (${u}) || '@example.com' END`;
  const script = `
    INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created, date_updated)
    VALUES (${ac}, ${literal(`Generated ${seed}`)}, ${literal(hashSecret(authToken))}, ${base}, ${base});

    INSERT INTO credentials (sid, account_sid, friendly_name, type, sandbox, date_created, date_updated)
    SELECT 'CR' || md5(${s} || ':cr:' || n), ${ac}, CASE WHEN n = 3 THEN NULL ELSE 'Push ' || t || ' #' || n || ' — “ünïcode”' END,
      t::binding_type, n = 0, ${base} + n * interval '1 day 0.25 seconds', ${base} + n * interval '2 days 0.5 seconds'
    FROM (VALUES (0, 'apn'), (1, 'gcm'), (2, 'fcm'), (3, 'apn')) AS c(n, t);

    INSERT INTO services (sid, account_sid, friendly_name, date_created, date_updated)
    SELECT 'IS' || md5(${s} || ':is:' || n), ${ac}, 'Service ' || n || ' «chat» of ${seed.replace(/'/g, "''")}',
      ${base} + n * interval '3 hours 0.789 seconds', ${base} + n * interval '5 hours 0.123 seconds'
    FROM generate_series(0, ${services - 1}) n;

    INSERT INTO users (sid, service_sid, identity, friendly_name, date_created, date_updated)
    SELECT 'US' || md5(${s} || ':us:' || n || ':' || u), 'IS' || md5(${s} || ':is:' || n), ${identity('u')},
      CASE WHEN u % 5 = 0 THEN NULL ELSE 'User ' || u END,
      ${base} + u * interval '61.237 seconds', ${base} + u * interval '61.237 seconds' + (u % 13) * interval '1 day 0.5 seconds'
    FROM generate_series(0, ${services - 1}) n, generate_series(0, ${users - 1}) u;

    INSERT INTO bindings (sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, date_created, date_updated)
    SELECT 'BS' || md5(${s} || ':bs:' || n || ':' || b), ${ac}, 'IS' || md5(${s} || ':is:' || n),
      'US' || md5(${s} || ':us:' || n || ':' || (b % ${users})), ${identity(`b % ${users}`)},
      md5(${s} || ':ep:' || n || ':' || b) || md5(b::text), t,
      CASE WHEN b % 11 = 5 THEN NULL
           WHEN t = 'apn' THEN 'CR' || md5(${s} || ':cr:' || CASE WHEN b % 2 = 0 THEN 0 ELSE 3 END)
           WHEN t = 'gcm' THEN 'CR' || md5(${s} || ':cr:1') ELSE 'CR' || md5(${s} || ':cr:2') END,
      CASE b % 4 WHEN 0 THEN '{}'::text[] WHEN 1 THEN '{new_message}' WHEN 2 THEN '{new_message,added_to_channel}'
                 ELSE '{invited_to_channel,removed_from_channel,added_to_channel}' END,
      ${base} + b * interval '7.391 seconds', ${base} + b * interval '7.391 seconds' + (b % 17) * interval '1 hour 0.007 seconds'
    FROM generate_series(0, ${services - 1}) n, generate_series(0, ${bindings - 1}) b,
      LATERAL (SELECT (ARRAY['apn', 'gcm', 'fcm'])[b % 3 + 1]::binding_type AS t) x;`;
  await db.withSession((session) => session.exec(script));
  return {
    sid,
    authToken,
    authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
    services: Array.from({ length: services }, (_, n) => `IS${md5(`${seed}:is:${n}`)}`),
    credentials,
    users: services * users,
    bindings: services * bindings,
  };
}

// ---------------------------------------------------------------------------
// The target: a database this process holds and a spawned CLI reaches too.

export type Env = Record<string, string>;

export interface Target {
  db: Database;
  /** What a spawned CLI needs to write to this database. */
  env: Env;
  close(): Promise<void>;
}

/**
 * A fresh, migrated target database.
 * - PGlite (default): an embedded database in a folder of its own, held by this
 *   process, which answers the folder's admin channel as a running gateway
 *   does: a spawned CLI then imports through it (channel-store.ts).
 * - DATABASE_URL: a database of its own on that server (the CLI takes a URL,
 *   not a schema), dropped by close().
 */
export async function openTarget(): Promise<Target> {
  if (!TEST_DATABASE_URL) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gwi-'));
    const db = await openDatabase({ dataDir: dir });
    await db.migrate();
    db.serveAdmin!(createAdminHandler(db.prisma, silentLogger));
    return {
      db,
      env: { DATA_DIR: dir },
      async close() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `gw_import_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${quoteIdent(name)}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  await db.migrate();
  return {
    db,
    env: { DATABASE_URL: url.toString() },
    async close() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// Snapshots: an account's rows of every table, one JSON text per row, by SID.

export const TABLES = ['credentials', 'services', 'users', 'bindings', 'binding_counts'] as const;
export type Snapshot = Record<(typeof TABLES)[number], string[]>;

/**
 * Every row of the account in every table the importer writes, with every
 * column the import carries (the bindings' user_sid too), ordered by SID.
 *
 * `wire: true` reads dates at the precision the wire carries: the REST shim
 * (src/rest/serialize.ts, twilioDate) sends Twilio's format, UTC in whole
 * seconds, so the source's milliseconds never reach an importer. The source is
 * read that way and the target as it is stored: a target date is equal only
 * when it is the source's, cut to the second, with no milliseconds of its own.
 */
export async function snapshot(prisma: PrismaClient, accountSid: string, { wire = false } = {}): Promise<Snapshot> {
  const date = (column: string) => (wire ? `date_trunc('second', ${column})` : column);
  const dates = `${date('date_created')}, ${date('date_updated')}`;
  const inAccount = 'service_sid IN (SELECT sid FROM services WHERE account_sid = $1)';
  const queries: Record<keyof Snapshot, string> = {
    credentials: `SELECT json_build_array(sid, account_sid, friendly_name, type, sandbox, ${dates})::text AS line FROM credentials WHERE account_sid = $1 ORDER BY sid`,
    services: `SELECT json_build_array(sid, account_sid, friendly_name, ${dates})::text AS line FROM services WHERE account_sid = $1 ORDER BY sid`,
    users: `SELECT json_build_array(sid, service_sid, identity, friendly_name, ${dates})::text AS line FROM users WHERE ${inAccount} ORDER BY sid`,
    bindings: `SELECT json_build_array(sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, ${dates})::text AS line
      FROM bindings WHERE account_sid = $1 ORDER BY sid`,
    binding_counts: `SELECT json_build_array(service_sid, binding_type, count)::text AS line FROM binding_counts WHERE ${inAccount} AND count > 0
      ORDER BY service_sid, binding_type`,
  };
  const result = {} as Snapshot;
  for (const table of TABLES) {
    const rows = await prisma.$queryRawUnsafe<{ line: string }[]>(queries[table], accountSid);
    result[table] = rows.map((r) => r.line);
  }
  return result;
}

/** Equal row for row; on a difference, the counts and a few missing and extra rows of each table (not a diff of 50,000 lines). */
export function expectSameRows(actual: Snapshot, expected: Snapshot): void {
  for (const table of TABLES) {
    const a = actual[table];
    const e = expected[table];
    if (a.length === e.length && a.every((line, i) => line === e[i])) continue;
    const inA = new Set(a);
    const inE = new Set(e);
    const report = (rows: string[], missing: Set<string>) => rows.filter((l) => !missing.has(l)).slice(0, 5);
    expect({ table, rows: a.length, missing: report(e, inA), extra: report(a, inE) }).toEqual({ table, rows: e.length, missing: [], extra: [] });
  }
}

/**
 * Row counts of every table the importers write, and the import runs with
 * their checkpoints: what "writes nothing" must leave as it was.
 */
export async function tableCounts(prisma: PrismaClient): Promise<{ rows: Record<string, number>; runs: string[] }> {
  const tables = [...TABLES, 'accounts', 'binding_deletions', 'import_runs', 'import_checkpoints', 'import_seen'];
  const [rows] = await prisma.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  const runs = await prisma.$queryRawUnsafe<{ line: string }[]>(
    `SELECT json_build_array(r.*, (SELECT json_agg(c ORDER BY list) FROM import_checkpoints c WHERE c.account_sid = r.account_sid))::text AS line
     FROM import_runs r ORDER BY account_sid`,
  );
  return { rows: rows!, runs: runs.map((r) => r.line) };
}

// ---------------------------------------------------------------------------
// The importer in this process.

export interface Recorded extends ImportEvents {
  pageEvents: PageEvent[];
  skippedLists: string[];
  retryEvents: RetryEvent[];
}

/** Events that keep what they hear. */
export function recorder(): Recorded {
  const recorded: Recorded = {
    pageEvents: [],
    skippedLists: [],
    retryEvents: [],
    page: (e) => void recorded.pageEvents.push(e),
    skipped: (list) => void recorded.skippedLists.push(list),
    accountCreated: () => {},
  };
  return recorded;
}

/** runImport with the official client reading `from` as `account`, writing `target` directly. */
export async function importInProcess(
  target: Database,
  from: string,
  account: { sid: string; authToken: string },
  plan: Partial<Omit<ImportPlan, 'accountSid'>> = {},
  events: Recorded = recorder(),
): Promise<ImportSummary> {
  const source = new TwilioSource({
    from,
    accountSid: account.sid,
    username: account.sid,
    password: account.authToken,
    onRetry: (e) => events.retryEvents.push(e),
  });
  return runImport(
    source,
    createDirectStore(target.prisma),
    {
      accountSid: account.sid,
      actorSid: account.sid,
      services: [],
      prune: false,
      dryRun: false,
      concurrency: 2,
      ...plan,
    },
    events,
  );
}

// ---------------------------------------------------------------------------
// The CLI as the operator runs it: `node --import tsx src/bin/cli.ts …`.

/** A hung child is killed after this long, so the test fails instead of stalling. */
const CHILD_TIMEOUT_MS = 90_000;
const children = new Set<ChildProcess>();

/** Kills every CLI still running (afterAll). */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  pid: number;
  /** Complete stdout lines so far. */
  lines: string[];
  /** Resolves with the first stdout line (so far or to come) that `test` accepts. */
  waitForLine(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<Exit>;
}

/** The child's environment: ours without database or Twilio settings, plus `env`. */
function childEnv(env: Env): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY', 'TWILIO_API_SECRET']) delete base[name];
  return { ...base, ...env };
}

export function spawnCli(env: Env, args: string[], options: { stdin?: string } = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  children.add(child);
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const parts = stdout.split('\n');
    lines.splice(0, lines.length, ...parts.slice(0, -1));
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      for (const wake of waiters) wake();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const waitForLine = (test: (line: string) => boolean, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no such line within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
      const done = (err?: Error, line?: string) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve(line!);
      };
      const check = () => {
        const line = lines.find(test);
        if (line !== undefined) done(undefined, line);
        else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`the CLI exited first; stdout:\n${stdout}\nstderr:\n${stderr}`));
      };
      waiters.add(check);
      check();
    });
  return { child, pid: child.pid!, lines, waitForLine, exited };
}

export function runCli(env: Env, args: string[], options: { stdin?: string } = {}): Promise<Exit> {
  return spawnCli(env, args, options).exited;
}

/** The environment for import:twilio as `account`. */
export function twilioEnv(target: Target, account: { sid: string; authToken: string }): Env {
  return { ...target.env, TWILIO_ACCOUNT_SID: account.sid, TWILIO_AUTH_TOKEN: account.authToken };
}

/** The JSON lines of an import:twilio --json run's stdout. */
export function jsonLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** The summary line of an import:twilio --json run that succeeded. */
export function summaryOf(exit: Exit): ImportSummary & { event: 'summary' } {
  expect(exit.code, exit.stderr).toBe(0);
  const lines = jsonLines(exit.stdout);
  const summary = lines.at(-1)!;
  expect(summary.event).toBe('summary');
  return summary as ImportSummary & { event: 'summary' };
}

// ---------------------------------------------------------------------------
// A proxy between importer and source that injects faults.

/** What the proxy does with one request. */
export type ProxyAction =
  | { kind: 'pass'; delayMs?: number }
  /** Answers this status with a Twilio error body (and the headers). */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Closes the connection without answering. */
  | { kind: 'drop' }
  /** Forwards, then closes the connection half-way through the response body. */
  | { kind: 'drop-mid-body' }
  /** Keeps the request unanswered until `release()`, which drops it. */
  | { kind: 'hold' };

export type ProxyPlan = (n: number, req: http.IncomingMessage) => ProxyAction;

export interface FaultProxy {
  baseUrl: string;
  /** Each request as it arrived: its number (from 1), method and path. */
  log: Array<{ n: number; url: string; action: ProxyAction['kind'] }>;
  plan: ProxyPlan;
  /** Drops every held request. */
  release(): void;
  close(): Promise<void>;
}

const PASS: ProxyPlan = () => ({ kind: 'pass' });

/**
 * An HTTP proxy to `upstream` that keeps the Host header as the client sent
 * it, so the source's next-page URLs name the proxy and every page goes
 * through it. `plan` (replaceable) decides each request's fate.
 */
export async function startProxy(upstream: string, plan: ProxyPlan = PASS): Promise<FaultProxy> {
  const target = new URL(upstream);
  const held = new Set<http.ServerResponse>();
  const proxy: FaultProxy = {
    baseUrl: '',
    log: [],
    plan,
    release() {
      for (const res of held) res.socket?.destroy();
      held.clear();
    },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const n = proxy.log.length + 1;
    const action = proxy.plan(n, req);
    proxy.log.push({ n, url: req.url ?? '', action: action.kind });
    switch (action.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'hold':
        held.add(res);
        return;
      case 'status': {
        const body = JSON.stringify({
          code: 20001,
          message: `injected ${action.status}`,
          more_info: 'https://www.twilio.com/docs/errors/20001',
          status: action.status,
        });
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(body);
        return;
      }
      case 'pass':
      case 'drop-mid-body': {
        const forward = () => {
          const upstreamReq = http.request(
            { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
            (upstreamRes) => {
              const chunks: Buffer[] = [];
              upstreamRes.on('data', (c: Buffer) => chunks.push(c));
              upstreamRes.on('end', () => {
                const body = Buffer.concat(chunks);
                res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
                if (action.kind === 'pass') {
                  res.end(body);
                } else {
                  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
                }
              });
            },
          );
          upstreamReq.on('error', () => req.socket.destroy());
          req.pipe(upstreamReq);
        };
        if (action.kind === 'pass' && action.delayMs) setTimeout(forward, action.delayMs);
        else forward();
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      proxy.release();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}
