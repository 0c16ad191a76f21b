/**
 * `import:twilio` (the real CLI, as a child process) through an HTTP proxy
 * that stands between the importer and the source and misbehaves on purpose:
 * 429 with Retry-After, 500s and 503s, connections dropped before and in the
 * middle of an answer, slow pages, a source that keeps failing, an importer
 * killed with SIGKILL mid-run, and two imports of one account at once.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/db.js';
import {
  expectSameRows,
  type FaultProxy,
  type GeneratedAccount,
  generateAccount,
  jsonLines,
  killChildren,
  openTarget,
  type ProxyAction,
  runCli,
  type Source,
  snapshot,
  spawnCli,
  startProxy,
  startSource,
  summaryOf,
  type Target,
  twilioEnv,
} from '../helpers/import.js';

/** 7,500 bindings over 3 services: per service one page of users and three of bindings. */
const SHAPE = { services: 3, usersPerService: 300, bindingsPerService: 2_500 };
const BINDINGS = SHAPE.services * SHAPE.bindingsPerService;
const USERS = SHAPE.services * SHAPE.usersPerService;
/** A whole import's requests: credentials, services, then each service's users and bindings, 1000 a page. */
const FRESH_REQUESTS = 2 + SHAPE.services * (Math.ceil(SHAPE.usersPerService / 1000) + Math.ceil(SHAPE.bindingsPerService / 1000));
const SLOW = 120_000;

let source: Source;
let target: Target;
let proxy: FaultProxy;
/** One account per test, all of the same shape, so a fresh import of any of them makes FRESH_REQUESTS requests. */
let faulty: GeneratedAccount;
let exhausted: GeneratedAccount;
let killed: GeneratedAccount;

beforeAll(async () => {
  [source, target] = await Promise.all([startSource('import-faults-source'), openTarget()]);
  faulty = await generateAccount(source.db, 'import-faults-1', SHAPE);
  exhausted = await generateAccount(source.db, 'import-faults-2', SHAPE);
  killed = await generateAccount(source.db, 'import-faults-3', SHAPE);
  proxy = await startProxy(source.baseUrl);
}, SLOW);

afterAll(async () => {
  killChildren();
  await proxy?.close();
  await Promise.all([source?.close(), target?.close()]);
}, SLOW);

/** From now on, the proxy's n-th request (counting from 1 here) meets `schedule(n)`. */
function plan(schedule: (n: number) => ProxyAction): { requests(): number } {
  const start = proxy.log.length;
  proxy.plan = (n) => schedule(n - start);
  return { requests: () => proxy.log.length - start };
}

const PASS: ProxyAction = { kind: 'pass' };

async function expectImported(account: GeneratedAccount): Promise<void> {
  expectSameRows(await snapshot(target.db.prisma, account.sid), await snapshot(source.db.prisma, account.sid, { wire: true }));
}

describe(`import:twilio against a misbehaving source (${backend})`, () => {
  it(
    'completes through 429 with Retry-After, 500, 503, dropped connections and slow pages with identical data; the summary counts every retry',
    async () => {
      const faults = new Map<number, ProxyAction>([
        [2, { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
        [4, { kind: 'status', status: 500 }],
        [5, { kind: 'status', status: 500 }],
        [7, { kind: 'drop' }],
        [9, { kind: 'drop-mid-body' }],
        [11, { kind: 'status', status: 503 }],
        [13, { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
      ]);
      const slow = new Set([3, 8, 10, 15]);
      const window = plan((n) => faults.get(n) ?? (slow.has(n) ? { kind: 'pass', delayMs: 400 } : PASS));
      const started = performance.now();
      const exit = await runCli(twilioEnv(target, faulty), ['import:twilio', '--from', proxy.baseUrl, '--json']);
      const summary = summaryOf(exit);
      expect(summary).toMatchObject({
        account: { sid: faulty.sid, created: true },
        resumed: false,
        credentials: { inserted: 4 },
        services: { inserted: SHAPE.services },
        users: { inserted: USERS, updated: 0, unchanged: 0 },
        bindings: { inserted: BINDINGS, updated: 0, unchanged: 0, pruned: 0 },
        retries: faults.size,
        requests: FRESH_REQUESTS + faults.size,
      });
      // Every request the importer made went through the proxy; each fault was answered by retrying that same request.
      expect(window.requests()).toBe(summary.requests);
      const log = proxy.log.slice(-window.requests());
      for (const [i, entry] of log.entries()) {
        if (entry.action === 'pass') continue;
        expect(
          log.slice(i + 1).some((later) => later.url === entry.url),
          `${entry.action} on ${entry.url} retried`,
        ).toBe(true);
      }
      // One retry line per fault, naming the request (through the proxy) and why; 429 waited what Retry-After asked.
      const retries = jsonLines(exit.stdout).filter((l) => l.event === 'retry');
      expect(retries.map((r) => r.reason).sort()).toEqual(
        [
          'status 429',
          'status 429',
          'status 500',
          'status 500',
          'status 503',
          expect.stringMatching(/^connection error/),
          expect.stringMatching(/^connection error/),
        ].sort(),
      );
      for (const r of retries) {
        expect(r.url.startsWith(`GET ${proxy.baseUrl}/v2/`), r.url).toBe(true);
        // Retry-After when given, else exponential backoff with jitter from 500 ms.
        if (r.reason === 'status 429') expect(r.delayMs).toBe(1000);
        else expect(r.delayMs).toBeLessThanOrEqual(500 * 2 ** (r.attempt - 1));
      }
      expect(performance.now() - started).toBeGreaterThan(1000);
      await expectImported(faulty);
    },
    SLOW,
  );

  it(
    'gives up on a source that keeps answering 503 after a bounded number of attempts, naming the request; the re-run after it recovers resumes',
    async () => {
      // The first requests pass (credentials, services, both services' users and first pages of bindings), then every answer is a 503.
      const window = plan((n) => (n <= 6 ? PASS : { kind: 'status', status: 503 }));
      const env = twilioEnv(target, exhausted);
      const failed = await runCli(env, ['import:twilio', '--from', proxy.baseUrl, '--json']);
      expect(failed.code, failed.stderr).toBe(1);
      const message = failed.stderr.trimEnd().split('\n').at(-1)!;
      expect(message).toMatch(
        /^error: GET http:\/\/127\.0\.0\.1:\d+\/v2\/Services\/IS[0-9a-f]{32}\/(Users|Bindings)\?\S* failed 6 times; the last answer: status 503\. Run the same command again to resume\b/,
      );
      expect(message).toContain(`GET ${proxy.baseUrl}/v2/Services/`);
      const lines = jsonLines(failed.stdout);
      expect(lines.some((l) => l.event === 'summary')).toBe(false);
      const written = lines.filter((l) => l.event === 'page');
      expect(written.length).toBeGreaterThan(2);
      expect(lines.filter((l) => l.event === 'retry' && l.reason === 'status 503').length).toBeGreaterThanOrEqual(5);
      expect(window.requests()).toBeGreaterThan(6 + 5);

      const again = plan(() => PASS);
      const summary = summaryOf(await runCli(env, ['import:twilio', '--from', proxy.baseUrl, '--json']));
      expect(summary).toMatchObject({ resumed: true, retries: 0, account: { sid: exhausted.sid, created: false } });
      expect(summary.requests).toBe(again.requests());
      expect(summary.requests).toBeLessThan(FRESH_REQUESTS);
      // Pages written before the failure were not read again.
      const before = written.filter((l) => l.list.startsWith('bindings:')).reduce((n, l) => n + l.records, 0);
      expect(before).toBeGreaterThan(0);
      expect(summary.bindings).toEqual({ inserted: BINDINGS - before, updated: 0, unchanged: 0, pruned: 0 });
      await expectImported(exhausted);
    },
    SLOW,
  );

  it(
    'refuses a second import of the account while one runs, naming it; kill -9 mid-run, then the re-run resumes: identical data, fewer requests',
    async () => {
      // The first import gets through the first service and a page of the second, then its next request hangs.
      const HOLD_AT = 9;
      plan((n) => (n >= HOLD_AT ? { kind: 'hold' } : { kind: 'pass', delayMs: 50 }));
      const env = twilioEnv(target, killed);
      const args = ['import:twilio', '--from', proxy.baseUrl, '--json', '--concurrency', '1'];
      const first = spawnCli(env, args);
      const pageLines = () => first.lines.filter((l) => l.includes('"event":"page"'));
      await first.waitForLine(() => pageLines().length >= HOLD_AT - 1);
      await expect.poll(() => proxy.log.some((e) => e.action === 'hold')).toBe(true);

      // A second import of the same account while the first runs (its request still held): refused, naming the first.
      plan(() => PASS);
      const second = await runCli(env, args);
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain(`error: an import of account ${killed.sid} is already running: pid ${first.pid} on ${hostname()}, from ${proxy.baseUrl}`);
      expect(second.stdout).toBe('');
      const run = await target.db.prisma.importRun.findUnique({ where: { accountSid: killed.sid } });
      expect(run).toMatchObject({ ownerPid: first.pid, finishedAt: null });

      // kill -9 mid-run (waiting on its next page), then the re-run.
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      proxy.release();
      const done = jsonLines(pageLines().join('\n'));
      const again = plan(() => PASS);
      const exit = await runCli(env, args);
      const summary = summaryOf(exit);
      expect(summary).toMatchObject({ resumed: true, retries: 0, account: { sid: killed.sid, created: false } });
      expect(summary.requests).toBe(again.requests());
      expect(summary.requests).toBeLessThan(FRESH_REQUESTS);
      // The lists the killed run finished are skipped, and no page it wrote is read again.
      const skipped = jsonLines(exit.stdout)
        .filter((l) => l.event === 'skipped')
        .map((l) => l.list);
      const firstService = done.find((l) => l.list.startsWith('users:'))!.list.slice('users:'.length);
      expect(skipped).toEqual(expect.arrayContaining(['credentials', `users:${firstService}`, `bindings:${firstService}`]));
      const sum = (kind: string) => done.filter((l) => l.list.startsWith(`${kind}:`)).reduce((n, l) => n + l.records, 0);
      expect(summary.bindings).toEqual({ inserted: BINDINGS - sum('bindings'), updated: 0, unchanged: 0, pruned: 0 });
      expect(summary.users).toEqual({ inserted: USERS - sum('users'), updated: 0, unchanged: 0 });
      await expectImported(killed);
      expect(await target.db.prisma.importRun.findUnique({ where: { accountSid: killed.sid } })).toMatchObject({ finishedAt: expect.any(Date) });
    },
    SLOW,
  );
});
