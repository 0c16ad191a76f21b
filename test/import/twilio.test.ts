/**
 * `import:twilio` end to end: a source gateway (a test server with a generated
 * account of 50,000 bindings) read through its REST shim with the official
 * twilio client (`--from`), written into a separate target database; then
 * every row of every table compared between the two. Re-runs, --prune,
 * --dry-run, --service and --keep-token, and tenant isolation.
 *
 * The big runs call runImport in this process (the code the CLI runs, without
 * a child's start-up); one test runs the real CLI, which on the embedded
 * database imports through this process's admin channel (see openTarget).
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportDataError } from '../../src/import/store.js';
import { verifySecret } from '../../src/security/secrets.js';
import { backend } from '../helpers/db.js';
import {
  expectSameRows,
  type GeneratedAccount,
  generateAccount,
  importInProcess,
  jsonLines,
  killChildren,
  openTarget,
  recorder,
  runCli,
  type Snapshot,
  type Source,
  snapshot,
  startSource,
  summaryOf,
  type Target,
  tableCounts,
  twilioEnv,
} from '../helpers/import.js';
import { createScenario, type Scenario } from '../helpers/scenario.js';

/** 50,000 bindings over 4 services, 5,000 users: 13 pages of bindings and 2 of users per service. */
const SHAPE = { services: 4, usersPerService: 1_250, bindingsPerService: 12_500 };
const N = SHAPE.services * SHAPE.bindingsPerService;
const PAGE = 1000;
const pages = (rows: number) => Math.max(1, Math.ceil(rows / PAGE));
/** A whole import's requests: credentials, services, then each service's users and bindings, at the largest page size. */
const FRESH_REQUESTS = 2 + SHAPE.services * (pages(SHAPE.usersPerService) + pages(SHAPE.bindingsPerService));
const SLOW = 120_000;

let source: Source;
let target: Target;
let g: GeneratedAccount;
/** Accounts the target had before any import: the importer must not touch them. */
let local: Scenario;
let localBefore: Array<{ sid: string; rows: Snapshot; account: unknown }>;
/** Accounts whose import the target refused. */
const refused: string[] = [];

const accountRow = (t: Target, sid: string) =>
  t.db.prisma.account.findUnique({ where: { sid }, select: { sid: true, friendlyName: true, authTokenHash: true, dateCreated: true, dateUpdated: true } });

beforeAll(async () => {
  [source, target] = await Promise.all([startSource('import-e2e-source'), openTarget()]);
  g = await generateAccount(source.db, 'import-e2e', SHAPE);
  local = await createScenario(target.db.prisma, { seed: 'import-e2e-target' });
  localBefore = await Promise.all(
    [local.a.sid, local.b.sid].map(async (sid) => ({ sid, rows: await snapshot(target.db.prisma, sid), account: await accountRow(target, sid) })),
  );
}, SLOW);

afterAll(async () => {
  killChildren();
  await Promise.all([source?.close(), target?.close()]);
}, SLOW);

describe(`import:twilio from a wire-compatible source (${backend})`, () => {
  it(
    'imports every credential, service, user and binding of the account with SIDs and dates kept, a page of 1000 per request',
    async () => {
      const events = recorder();
      const summary = await importInProcess(target.db, source.baseUrl, g, {}, events);
      expect(summary).toMatchObject({
        account: { sid: g.sid, created: true, authToken: expect.stringMatching(/^[0-9a-f]{32}$/) },
        resumed: false,
        dryRun: false,
        credentials: { inserted: 4, updated: 0, unchanged: 0 },
        services: { inserted: SHAPE.services, updated: 0, unchanged: 0 },
        users: { inserted: g.users, updated: 0, unchanged: 0 },
        bindings: { inserted: N, updated: 0, unchanged: 0, pruned: 0 },
        requests: FRESH_REQUESTS,
        retries: 0,
      });
      // One page event per request; full pages but the last of each list.
      expect(events.pageEvents).toHaveLength(FRESH_REQUESTS);
      const bindingPages = events.pageEvents.filter((e) => e.kind === 'bindings');
      expect(bindingPages.map((e) => e.records).reduce((a, b) => a + b)).toBe(N);
      for (const e of bindingPages) expect(e.records).toBe(e.last ? SHAPE.bindingsPerService - (pages(SHAPE.bindingsPerService) - 1) * PAGE : PAGE);

      // Every row equal. Dates: the REST shim sends Twilio's format, whole
      // seconds (src/rest/serialize.ts, twilioDate), so the source is compared
      // cut to the second; the target's dates must be exactly that.
      expectSameRows(await snapshot(target.db.prisma, g.sid), await snapshot(source.db.prisma, g.sid, { wire: true }));
      const withMillis = `SELECT count(*)::int AS n FROM bindings WHERE account_sid = $1 AND date_trunc('second', date_updated) <> date_updated`;
      const [sourceMillis] = await source.db.prisma.$queryRawUnsafe<{ n: number }[]>(withMillis, g.sid);
      expect(sourceMillis!.n).toBeGreaterThan(N / 2); // the generated dates do carry milliseconds...
      const [targetMillis] = await target.db.prisma.$queryRawUnsafe<{ n: number }[]>(withMillis, g.sid);
      expect(targetMillis!.n).toBe(0); // ...which the wire does not

      // A new local account with a token of its own (no --keep-token); the run is finished and its bookkeeping gone.
      const account = await accountRow(target, g.sid);
      expect(verifySecret(summary.account.authToken!, account!.authTokenHash)).toBe(true);
      expect(verifySecret(g.authToken, account!.authTokenHash)).toBe(false);
      const run = await target.db.prisma.importRun.findUnique({ where: { accountSid: g.sid } });
      expect(run).toMatchObject({ source: source.baseUrl, finishedAt: expect.any(Date) });
      expect(await target.db.prisma.importCheckpoint.count({ where: { accountSid: g.sid } })).toBe(0);
      expect(await target.db.prisma.importSeen.count()).toBe(0);
    },
    SLOW,
  );

  it(
    'a second run changes nothing and says so: inserted 0, updated 0, unchanged N',
    async () => {
      const before = await snapshot(target.db.prisma, g.sid);
      const summary = await importInProcess(target.db, source.baseUrl, g);
      expect(summary).toMatchObject({
        account: { sid: g.sid, created: false },
        resumed: false,
        credentials: { inserted: 0, updated: 0, unchanged: 4 },
        services: { inserted: 0, updated: 0, unchanged: SHAPE.services },
        users: { inserted: 0, updated: 0, unchanged: g.users },
        bindings: { inserted: 0, updated: 0, unchanged: N, pruned: 0 },
        requests: FRESH_REQUESTS,
      });
      expect(summary.account).not.toHaveProperty('authToken');
      expectSameRows(await snapshot(target.db.prisma, g.sid), before);
    },
    SLOW,
  );

  it(
    'a device registered here under a SID of its own gives way to the source’s binding of that device, its deletion audited',
    async () => {
      const db = target.db.prisma;
      const service = g.services[3]!;
      const theirs = await db.binding.findFirstOrThrow({ where: { serviceSid: service }, orderBy: { sid: 'asc' } });
      // Twilio's uniqueness is (service, identity, endpoint, type): the same device, registered here under another SID.
      const mine = `BS${'c'.repeat(32)}`;
      await db.$transaction([db.binding.delete({ where: { sid: theirs.sid } }), db.binding.create({ data: { ...theirs, sid: mine, messageTypes: ['mine'] } })]);

      const summary = await importInProcess(target.db, source.baseUrl, g, { services: [service] });
      expect(summary.bindings).toEqual({ inserted: 1, updated: 0, unchanged: SHAPE.bindingsPerService - 1, pruned: 0 });
      expect(await db.binding.count({ where: { sid: mine } })).toBe(0);
      expect(await db.binding.findUnique({ where: { sid: theirs.sid } })).toEqual(theirs);
      expect(await db.bindingDeletion.findMany({ where: { bindingSid: mine } })).toEqual([
        expect.objectContaining({
          accountSid: g.sid,
          credentialSid: g.sid,
          frontDoor: 'import',
          serviceSid: service,
          binding: expect.objectContaining({ sid: mine, identity: theirs.identity, endpoint: theirs.endpoint, message_types: ['mine'] }),
        }),
      ]);
      expectSameRows(await snapshot(db, g.sid), await snapshot(source.db.prisma, g.sid, { wire: true }));
    },
    SLOW,
  );

  it(
    'after bindings are deleted, changed and added at the source: --dry-run reports what --prune then does and writes nothing; --prune removes exactly the deleted ones, audited',
    async () => {
      const db = source.db.prisma;
      // One binding changed (message types, with a later date_updated), one added, seven deleted across services.
      const [changed] = await db.$queryRawUnsafe<{ sid: string }[]>(
        `UPDATE bindings SET message_types = '{removed_from_channel}', date_updated = date_updated + interval '1 day'
         WHERE sid = (SELECT min(sid) FROM bindings WHERE account_sid = $1) RETURNING sid`,
        g.sid,
      );
      const [added] = await db.$queryRawUnsafe<{ sid: string }[]>(
        `INSERT INTO bindings (sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, date_created, date_updated)
         SELECT 'BS' || md5('import-e2e:added'), $1, u.service_sid, u.sid, u.identity, 'a-new-device', 'fcm', $2, '{new_message}', now(), now()
         FROM users u WHERE u.service_sid = $3 ORDER BY u.sid LIMIT 1 RETURNING sid`,
        g.sid,
        g.credentials[2],
        g.services[1],
      );
      const deleted = await db.$queryRawUnsafe<{ sid: string; service_sid: string }[]>(
        `DELETE FROM bindings WHERE sid IN (SELECT sid FROM bindings WHERE account_sid = $1 AND sid <> $2 ORDER BY md5(sid) LIMIT 7) RETURNING sid, service_sid`,
        g.sid,
        changed!.sid,
      );
      expect(deleted).toHaveLength(7);
      expect(new Set(deleted.map((d) => d.service_sid)).size).toBeGreaterThan(1);
      const expected = { inserted: 1, updated: 1, unchanged: N - 7 - 1, pruned: 7 };

      const countsBefore = await tableCounts(target.db.prisma);
      const rowsBefore = await snapshot(target.db.prisma, g.sid);
      const dry = await importInProcess(target.db, source.baseUrl, g, { dryRun: true, prune: true });
      expect(dry).toMatchObject({ dryRun: true, account: { sid: g.sid, created: false }, bindings: expected, users: { unchanged: g.users } });
      // Nothing written: no row, no deletion audited, no run or checkpoint.
      expect(await tableCounts(target.db.prisma)).toEqual(countsBefore);
      expectSameRows(await snapshot(target.db.prisma, g.sid), rowsBefore);

      const real = await importInProcess(target.db, source.baseUrl, g, { prune: true });
      const counts = ({ credentials, services, users, bindings }: typeof real) => ({ credentials, services, users, bindings });
      expect(counts(real)).toEqual(counts(dry));
      expect(real).toMatchObject({ dryRun: false, bindings: expected });

      // Exactly those gone, the changed one changed, the new one there: equal to the source again.
      expectSameRows(await snapshot(target.db.prisma, g.sid), await snapshot(db, g.sid, { wire: true }));
      const bindings = target.db.prisma.binding;
      expect(await bindings.count({ where: { sid: { in: deleted.map((d) => d.sid) } } })).toBe(0);
      expect(await bindings.findUnique({ where: { sid: changed!.sid }, select: { messageTypes: true } })).toEqual({ messageTypes: ['removed_from_channel'] });
      expect(await bindings.count({ where: { sid: added!.sid } })).toBe(1);

      // Audited like any delete: one row each, by the import, with the row as it was.
      const audit = await target.db.prisma.bindingDeletion.findMany({
        where: { bindingSid: { in: deleted.map((d) => d.sid) } },
        orderBy: { bindingSid: 'asc' },
      });
      expect(audit.map((a) => a.bindingSid)).toEqual(deleted.map((d) => d.sid).sort());
      expect(await target.db.prisma.bindingDeletion.count()).toBe(countsBefore.rows.binding_deletions! + deleted.length);
      const before = new Map(rowsBefore.bindings.map((line) => [JSON.parse(line)[0] as string, JSON.parse(line) as unknown[]]));
      for (const row of audit) {
        const gone = deleted.find((d) => d.sid === row.bindingSid)!;
        expect(row).toMatchObject({
          accountSid: g.sid,
          credentialSid: g.sid,
          frontDoor: 'import',
          serviceSid: gone.service_sid,
          requestId: expect.any(String),
        });
        const binding = row.binding as Record<string, unknown>;
        const was = before.get(row.bindingSid)!;
        expect([binding.sid, binding.account_sid, binding.service_sid, binding.user_sid, binding.identity, binding.endpoint]).toEqual(was.slice(0, 6));
      }
    },
    SLOW,
  );

  it(
    'the CLI with --service imports only that service, and --keep-token makes the local auth token the Twilio one',
    async () => {
      const a = source.scenario.a;
      const only = a.services[1]!.sid;
      const exit = await runCli(twilioEnv(target, a), ['import:twilio', '--from', source.baseUrl, '--service', only, '--keep-token', '--json']);
      const summary = summaryOf(exit);
      expect(summary).toMatchObject({
        account: { sid: a.sid, created: true },
        credentials: { inserted: 3, updated: 0, unchanged: 0 },
        services: { inserted: 1, updated: 0, unchanged: 0 },
        users: { inserted: 3, updated: 0, unchanged: 0 },
        bindings: { inserted: 5, updated: 0, unchanged: 0, pruned: 0 },
        requests: 4, // credentials, the service, its users, its bindings
        retries: 0,
      });
      expect(summary.account).not.toHaveProperty('authToken');
      const lines = jsonLines(exit.stdout);
      expect(lines.filter((l) => l.event === 'page').map((l) => l.list)).toEqual(['credentials', 'services', `users:${only}`, `bindings:${only}`]);

      // The service, its users and bindings, and the account's credentials; nothing of the other service.
      const wanted = await snapshot(source.db.prisma, a.sid, { wire: true });
      const ofService = (lines: string[]) => lines.filter((l) => l.includes(`"${only}"`));
      expectSameRows(await snapshot(target.db.prisma, a.sid), {
        credentials: wanted.credentials,
        services: ofService(wanted.services),
        users: ofService(wanted.users),
        bindings: ofService(wanted.bindings),
        binding_counts: ofService(wanted.binding_counts),
      });
      expect(await target.db.prisma.service.count({ where: { sid: a.services[0]!.sid } })).toBe(0);

      // --keep-token: the account authenticates with the Twilio auth token, which is stored only as a hash.
      const account = await accountRow(target, a.sid);
      expect(verifySecret(a.authToken, account!.authTokenHash)).toBe(true);
      expect(account!.authTokenHash).not.toContain(a.authToken);
      const run = await target.db.prisma.importRun.findUnique({ where: { accountSid: a.sid } });
      expect(run).toMatchObject({ ownerHost: hostname(), finishedAt: expect.any(Date) });
    },
    SLOW,
  );

  it(
    'refuses SIDs that belong to another account here, without changing that account',
    async () => {
      // Two small source accounts: one lists a binding under a SID the target's account A has, one a service under a SID of its account B.
      const shape = { services: 1, usersPerService: 3, bindingsPerService: 6 };
      const [c, d] = [await generateAccount(source.db, 'import-e2e-c', shape), await generateAccount(source.db, 'import-e2e-d', shape)];
      refused.push(c.sid, d.sid);
      const takenBinding = local.a.services[0]!.bindings[0]!;
      await source.db.prisma.$executeRawUnsafe(
        `UPDATE bindings SET sid = $1 WHERE sid = (SELECT min(sid) FROM bindings WHERE account_sid = $2)`,
        takenBinding,
        c.sid,
      );
      await source.db.prisma.$executeRawUnsafe(
        `INSERT INTO services (sid, account_sid, friendly_name, date_created, date_updated) VALUES ($1, $2, 'squatter', now(), now())`,
        local.b.services[0]!.sid,
        d.sid,
      );

      const first = importInProcess(target.db, source.baseUrl, c);
      await expect(first).rejects.toThrow(ImportDataError);
      await expect(first).rejects.toThrow(`${takenBinding} already belongs to another account or service here, so it cannot be imported into ${c.sid}`);
      await expect(importInProcess(target.db, source.baseUrl, d)).rejects.toThrow(
        `${local.b.services[0]!.sid} already belongs to another account or service here, so it cannot be imported into ${d.sid}`,
      );
      // The refused page left nothing: no binding of c's service, and the run is left unfinished.
      expect(await target.db.prisma.binding.count({ where: { accountSid: c.sid } })).toBe(0);
      expect(await target.db.prisma.importRun.findUnique({ where: { accountSid: c.sid } })).toMatchObject({ finishedAt: null });
    },
    SLOW,
  );

  it(
    'writes only the account it imports: the target’s other accounts are untouched, and nothing of the source’s other accounts arrives',
    async () => {
      for (const { sid, rows, account } of localBefore) {
        expectSameRows(await snapshot(target.db.prisma, sid), rows);
        expect(await accountRow(target, sid)).toEqual(account);
      }
      // Only the accounts imported (the refused ones included) were added; nothing of the source's account B.
      const accounts = (await target.db.prisma.account.findMany({ select: { sid: true } })).map((a) => a.sid);
      const known = [local.a.sid, local.b.sid, g.sid, source.scenario.a.sid, ...refused];
      expect(accounts.filter((sid) => !known.includes(sid))).toEqual([]);
      expect(accounts).not.toContain(source.scenario.b.sid);
      const bindingsByAccount = await target.db.prisma.binding.groupBy({ by: ['accountSid'], _count: true, orderBy: { accountSid: 'asc' } });
      expect(Object.fromEntries(bindingsByAccount.map((r) => [r.accountSid, r._count]))).toEqual(
        Object.fromEntries([
          [g.sid, N - 7 + 1],
          [source.scenario.a.sid, 5],
          [local.a.sid, local.a.services.reduce((n, s) => n + s.bindings.length, 0)],
          [local.b.sid, local.b.services.reduce((n, s) => n + s.bindings.length, 0)],
        ]),
      );
    },
    SLOW,
  );
});
