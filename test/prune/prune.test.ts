/**
 * Bulk pruning as a job: `pruneBindings` (dry run and job), the runner's
 * batches (audit rows equal deleted rows), resuming after a stop or a dead
 * runner, cancelling, two overlapping jobs never deleting a row twice,
 * scopes and tenant isolation, and the CLI commands.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../src/admin/commands.js';
import { createApiKey } from '../../src/domain/accounts.js';
import type { BindingType } from '../../src/domain/bindings.js';
import {
  CLI_CREATOR,
  cancelPruneJob,
  claimPruneJob,
  createPruneJob,
  getPruneJob,
  type PruneJob,
  releasePruneJob,
  runPruneBatch,
} from '../../src/domain/prune.js';
import { newSid } from '../../src/domain/sids.js';
import { newRunnerOwner, pruneRunnerActive, runClaimedJob, startPruneRunner } from '../../src/jobs/prune.js';
import { createLogger } from '../../src/platform/logger.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';

const TYPES: BindingType[] = ['apn', 'gcm', 'fcm'];
const logger = createLogger('silent');

let t: TestApp;
let readKey: string;
let counter = 0;

beforeAll(async () => {
  t = await startTestApp({ seed: 'prune-jobs', differential: false });
  const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid, scope: 'read' });
  readKey = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** A new service of account A with `n` bindings (types in turn apn, gcm, fcm; identities over 5 users). */
async function makeService(n: number, accountSid = t.scenario.a.sid): Promise<{ sid: string; bindings: Array<{ sid: string; type: BindingType }> }> {
  const sid = (prefix: 'IS' | 'US' | 'BS') => newSid(prefix, () => createHash('sha256').update(`prune:${counter++}`).digest().subarray(0, 16));
  const service = await t.db.prisma.service.create({ data: { sid: sid('IS'), accountSid, friendlyName: 'prune' } });
  const users = Array.from({ length: 5 }, (_, u) => ({ sid: sid('US'), serviceSid: service.sid, identity: `u${u}@prune.example` }));
  await t.db.prisma.user.createMany({ data: users });
  const rows = Array.from({ length: n }, (_, b) => {
    const user = users[b % users.length]!;
    return {
      sid: sid('BS'),
      accountSid,
      serviceSid: service.sid,
      userSid: user.sid,
      identity: user.identity,
      endpoint: `ep-${b}`,
      bindingType: TYPES[b % 3]!,
    };
  });
  await t.db.prisma.binding.createMany({ data: rows });
  return { sid: service.sid, bindings: rows.map((r) => ({ sid: r.sid, type: r.bindingType })).sort((a, b) => (a.sid < b.sid ? -1 : 1)) };
}

async function remaining(serviceSid: string): Promise<string[]> {
  const rows = await t.db.prisma.binding.findMany({ where: { serviceSid }, select: { sid: true }, orderBy: { sid: 'asc' } });
  return rows.map((r) => r.sid);
}

async function auditOf(jobSid: string) {
  return t.db.prisma.bindingDeletion.findMany({ where: { requestId: jobSid }, orderBy: { bindingSid: 'asc' } });
}

const PRUNE = `mutation ($input: PruneBindingsInput!) {
  pruneBindings(input: $input) {
    dryRun matched
    sample { sid bindingType }
    job { id status matched deleted startedAt finishedAt error }
  }
}`;

const JOB = 'query ($id: ID!) { pruneJob(id: $id) { id status matched deleted startedAt finishedAt error serviceSid } }';

/** Runs a job to its end with a runner of its own (batches of `batch`). */
async function runToEnd(sid: string, batch = 7): Promise<PruneJob> {
  const owner = newRunnerOwner('test');
  const job = await claimPruneJob(t.db.prisma, owner, { sid });
  expect(job).not.toBeNull();
  await runClaimedJob(t.db.prisma, logger, job!, owner, { batchSize: batch });
  return (await getPruneJob(t.db.prisma, null, sid))!;
}

describe('pruneBindings', () => {
  it('dry run: matched and sample are what SQL finds, nothing is deleted; the job then deletes exactly those, each audited', async () => {
    const service = await makeService(40);
    const apnGcm = service.bindings.filter((b) => b.type !== 'fcm').map((b) => b.sid);
    const input = { serviceSid: service.sid, filter: { bindingType: ['APN', 'GCM'] }, dryRun: true };

    const dry = await t.graphql(PRUNE, { input });
    expect(dry.body.errors).toBeUndefined();
    expect(dry.body.data.pruneBindings).toMatchObject({ dryRun: true, matched: apnGcm.length, job: null });
    expect(dry.body.data.pruneBindings.sample.map((b: { sid: string }) => b.sid)).toEqual(apnGcm.slice(0, 20));
    expect(await remaining(service.sid)).toHaveLength(40);

    const started = await t.graphql(PRUNE, { input: { ...input, dryRun: false } });
    expect(started.body.errors).toBeUndefined();
    const job = started.body.data.pruneBindings.job;
    expect(job).toMatchObject({ status: 'QUEUED', matched: apnGcm.length, deleted: 0, startedAt: null, finishedAt: null, error: null });
    expect(job.id).toMatch(/^PJ[0-9a-f]{32}$/);
    expect(started.body.data.pruneBindings.sample).toBeNull();

    const finished = await runToEnd(job.id);
    expect(finished).toMatchObject({ status: 'done', matched: apnGcm.length, deleted: apnGcm.length });
    expect(await remaining(service.sid)).toEqual(service.bindings.filter((b) => b.type === 'fcm').map((b) => b.sid));

    const audit = await auditOf(job.id);
    expect(audit.map((a) => a.bindingSid)).toEqual(apnGcm);
    expect(new Set(audit.map((a) => a.sid)).size).toBe(audit.length);
    for (const row of audit) {
      expect(row).toMatchObject({ accountSid: t.scenario.a.sid, credentialSid: t.scenario.a.sid, frontDoor: 'job', serviceSid: service.sid });
      expect(row.sid).toMatch(/^DL[0-9a-f]{32}$/);
      expect((row.binding as { sid: string }).sid).toBe(row.bindingSid);
    }

    const seen = await t.graphql(JOB, { id: job.id });
    expect(seen.body.data.pruneJob).toMatchObject({ id: job.id, status: 'DONE', deleted: apnGcm.length, serviceSid: service.sid });
    expect(seen.body.data.pruneJob.finishedAt).not.toBeNull();
  });

  it('filters by dates and identities like the bindings list', async () => {
    const service = await makeService(15);
    const cutoff = new Date(Date.now() + 60_000).toISOString();
    const filter = { updatedBefore: cutoff, identity: ['u1@prune.example'], identityPrefix: 'u' };
    const list = await t.graphql(
      'query ($s: String!, $u: DateTime) { service(sid: $s) { bindings(first: 100, updatedBefore: $u, identity: ["u1@prune.example"], identityPrefix: "u") { totalCount } } }',
      { s: service.sid, u: cutoff },
    );
    const dry = await t.graphql(PRUNE, { input: { serviceSid: service.sid, filter, dryRun: true } });
    expect(dry.body.data.pruneBindings.matched).toBe(list.body.data.service.bindings.totalCount);
    expect(dry.body.data.pruneBindings.matched).toBe(3);
  });

  it('refuses an empty filter (also one of empty lists) with BAD_USER_INPUT, deleting nothing', async () => {
    const service = await makeService(3);
    for (const filter of [{}, { bindingType: [], identity: [], identityPrefix: '' }]) {
      for (const dryRun of [true, false]) {
        const result = await t.graphql(PRUNE, { input: { serviceSid: service.sid, filter, dryRun } });
        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.body.errors?.[0]?.message).toMatch(/^a filter is required to prune; /);
        expect(result.body.errors?.[0]?.extensions?.argument).toBe('input.filter');
      }
    }
    expect(await t.db.prisma.pruneJob.count({ where: { serviceSid: service.sid } })).toBe(0);
  });

  it('read-only key: FORBIDDEN for a job and a cancel (its dry run only reads, and is allowed)', async () => {
    const service = await makeService(3);
    const input = { serviceSid: service.sid, filter: { bindingType: ['APN'] } };
    const refused = await t.graphql(PRUNE, { input }, readKey);
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.pruneJob.count({ where: { serviceSid: service.sid } })).toBe(0);
    const dry = await t.graphql(PRUNE, { input: { ...input, dryRun: true } }, readKey);
    expect(dry.body.data.pruneBindings.matched).toBe(1);

    const job = await createPruneJob(t.db.prisma, { accountSid: t.scenario.a.sid, credentialSid: t.scenario.a.sid, scope: 'read-write' }, service.sid, {
      bindingTypes: ['apn'],
    });
    const cancel = await t.graphql('mutation ($id: ID!) { cancelPruneJob(input: { id: $id }) { job { status } } }', { id: job.sid }, readKey);
    expect(errorCodes(cancel)).toEqual(['FORBIDDEN']);
    expect((await getPruneJob(t.db.prisma, null, job.sid))?.status).toBe('queued');
    await cancelPruneJob(t.db.prisma, null, job.sid);
  });

  it("another account's service is NOT_FOUND, its jobs are null and cannot be cancelled; a job never leaves its account", async () => {
    const a = await makeService(6);
    const b = t.scenario.b;
    const foreign = await t.graphql(PRUNE, { input: { serviceSid: a.sid, filter: { bindingType: ['APN'] }, dryRun: true } }, b.authorization);
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
    const missing = await t.graphql(PRUNE, { input: { serviceSid: 'nonsense', filter: { bindingType: ['APN'] } } });
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);

    const started = await t.graphql(PRUNE, { input: { serviceSid: a.sid, filter: { bindingType: ['APN'] } } });
    const id = started.body.data.pruneBindings.job.id;
    expect((await t.graphql(JOB, { id }, b.authorization)).body.data.pruneJob).toBeNull();
    expect((await t.graphql(JOB, { id: 'PJnot-a-sid' })).body.data.pruneJob).toBeNull();
    const cancel = await t.graphql('mutation ($id: ID!) { cancelPruneJob(input: { id: $id }) { job { status } } }', { id }, b.authorization);
    expect(errorCodes(cancel)).toEqual(['NOT_FOUND']);

    // Even a job row pointing at another account's service (which the API never creates) deletes nothing there.
    const bService = b.services[0]!.sid;
    const before = await remaining(bService);
    await t.db.prisma.pruneJob.update({ where: { sid: id }, data: { serviceSid: bService } });
    const done = await runToEnd(id);
    expect(done).toMatchObject({ status: 'done', deleted: 0 });
    expect(await remaining(bService)).toEqual(before);
  });
});

describe('the runner', () => {
  const actor = () => ({ accountSid: t.scenario.a.sid, credentialSid: t.scenario.a.sid, scope: 'read-write' as const });

  it('resumes a job after a stop (released) and after a dead runner (lease expired), deleting each row once', async () => {
    const service = await makeService(50);
    for (const mode of ['released', 'dead'] as const) {
      const job = await createPruneJob(t.db.prisma, actor(), service.sid, { bindingTypes: [mode === 'released' ? 'apn' : 'gcm'] });
      const first = newRunnerOwner('first');
      const claimed = await claimPruneJob(t.db.prisma, first, { sid: job.sid });
      const one = await runPruneBatch(t.db.prisma, claimed!, first, 5);
      expect(one).toMatchObject({ deleted: 5, job: { status: 'running', deleted: 5 } });
      if (mode === 'released') await releasePruneJob(t.db.prisma, first, job.sid);
      // A live owner's job is not taken; a released one at once, a dead one's after its lease.
      expect(await claimPruneJob(t.db.prisma, newRunnerOwner('other'), { sid: job.sid })).toEqual(mode === 'released' ? expect.anything() : null);
      if (mode === 'released') await releasePruneJob(t.db.prisma, (await getPruneJob(t.db.prisma, null, job.sid))!.owner!, job.sid);

      const second = startPruneRunner(t.db.prisma, logger, { batchSize: 4, pollMs: 20, leaseMs: mode === 'dead' ? 0 : 60_000 });
      try {
        await waitFor(async () => (await getPruneJob(t.db.prisma, null, job.sid))?.status === 'done');
      } finally {
        await second.stop();
      }
      // The first runner's next batch finds the job no longer its own: it does nothing.
      expect(await runPruneBatch(t.db.prisma, claimed!, first, 5)).toEqual({ deleted: 0, job: null });
      const done = (await getPruneJob(t.db.prisma, null, job.sid))!;
      expect(done.deleted).toBe(job.matched);
      const audit = await auditOf(job.sid);
      expect(audit).toHaveLength(job.matched);
      expect(new Set(audit.map((a) => a.bindingSid)).size).toBe(job.matched);
    }
    expect(await remaining(service.sid)).toEqual(service.bindings.filter((b) => b.type === 'fcm').map((b) => b.sid));
  });

  it('stops at a batch boundary when stopped: the job stays running, and a new runner finishes it', async () => {
    const service = await makeService(30);
    const job = await createPruneJob(t.db.prisma, actor(), service.sid, { bindingTypes: ['apn', 'gcm', 'fcm'] });
    let batches = 0;
    const runner = startPruneRunner(t.db.prisma, logger, { batchSize: 3, pollMs: 20, pauseMs: 20, onBatch: () => batches++ });
    await waitFor(async () => batches >= 2);
    await runner.stop();
    const paused = (await getPruneJob(t.db.prisma, null, job.sid))!;
    expect(paused).toMatchObject({ status: 'running', owner: null });
    expect(paused.deleted).toBeGreaterThan(0);
    expect(paused.deleted).toBeLessThan(30);
    expect(pruneRunnerActive()).toBe(false);

    const next = startPruneRunner(t.db.prisma, logger, { batchSize: 3, pollMs: 20 });
    try {
      await waitFor(async () => (await getPruneJob(t.db.prisma, null, job.sid))?.status === 'done');
    } finally {
      await next.stop();
    }
    expect((await getPruneJob(t.db.prisma, null, job.sid))?.deleted).toBe(30);
    expect(await auditOf(job.sid)).toHaveLength(30);
    expect(await remaining(service.sid)).toEqual([]);
  });

  it('a cancelled job deletes nothing more', async () => {
    const service = await makeService(30);
    const started = await t.graphql(PRUNE, { input: { serviceSid: service.sid, filter: { bindingType: ['APN', 'GCM', 'FCM'] } } });
    const id = started.body.data.pruneBindings.job.id;
    const owner = newRunnerOwner('test');
    const claimed = (await claimPruneJob(t.db.prisma, owner, { sid: id }))!;
    expect((await runPruneBatch(t.db.prisma, claimed, owner, 4)).deleted).toBe(4);

    const cancel = await t.graphql('mutation ($id: ID!) { cancelPruneJob(input: { id: $id }) { job { id status deleted matched finishedAt } } }', { id });
    expect(cancel.body.data.cancelPruneJob.job).toMatchObject({ id, status: 'CANCELLED', deleted: 4, matched: 30 });

    expect(await runPruneBatch(t.db.prisma, claimed, owner, 4)).toEqual({ deleted: 0, job: null });
    expect(await claimPruneJob(t.db.prisma, owner, { sid: id, leaseMs: 0 })).toBeNull();
    expect(await remaining(service.sid)).toHaveLength(26);
    expect(await auditOf(id)).toHaveLength(4);
    // Cancelling again changes nothing.
    expect((await cancelPruneJob(t.db.prisma, null, id)).status).toBe('cancelled');
  });

  it('two concurrent jobs over overlapping filters never delete a row twice', async () => {
    const service = await makeService(120);
    const one = await createPruneJob(t.db.prisma, actor(), service.sid, { bindingTypes: ['apn', 'gcm'] });
    const two = await createPruneJob(t.db.prisma, actor(), service.sid, { bindingTypes: ['gcm', 'fcm'] });
    expect(one.matched + two.matched).toBeGreaterThan(120);
    const run = async (job: PruneJob) => {
      const owner = newRunnerOwner('concurrent');
      const claimed = (await claimPruneJob(t.db.prisma, owner, { sid: job.sid }))!;
      return runClaimedJob(t.db.prisma, logger, claimed, owner, { batchSize: 5 });
    };
    await Promise.all([run(one), run(two)]);
    const [a, b] = await Promise.all([getPruneJob(t.db.prisma, null, one.sid), getPruneJob(t.db.prisma, null, two.sid)]);
    expect([a?.status, b?.status]).toEqual(['done', 'done']);
    expect(await remaining(service.sid)).toEqual([]);
    const audit = [...(await auditOf(one.sid)), ...(await auditOf(two.sid))];
    expect(a!.deleted + b!.deleted).toBe(120);
    expect(audit).toHaveLength(120);
    expect(new Set(audit.map((r) => r.bindingSid)).size).toBe(120);
    expect((await auditOf(one.sid)).length).toBe(a!.deleted);
  });

  it('a runner picks up a job created through the API and finishes it (Query.pruneJob follows it)', async () => {
    const service = await makeService(25);
    const runner = startPruneRunner(t.db.prisma, logger, { batchSize: 6, pollMs: 5_000 });
    try {
      const started = await t.graphql(PRUNE, { input: { serviceSid: service.sid, filter: { bindingType: ['FCM', 'GCM'] } } });
      const id = started.body.data.pruneBindings.job.id;
      // Woken by the mutation, not by its poll.
      await waitFor(async () => (await t.graphql(JOB, { id })).body.data.pruneJob.status === 'DONE', 4_000);
      const job = (await t.graphql(JOB, { id })).body.data.pruneJob;
      expect(job).toMatchObject({ matched: 16, deleted: 16 });
      expect(job.startedAt).not.toBeNull();
    } finally {
      await runner.stop();
    }
  });
});

describe('CLI commands', () => {
  it('bindings:prune (dry run, then run in this process), prune:list and prune:cancel', async () => {
    const service = await makeService(18);
    const prisma = t.db.prisma;
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const dry = (await executeCommand(prisma, 'bindings:prune', { service: service.sid, updatedBefore: future, type: 'apn', dryRun: 'true' })) as any;
    expect(dry).toMatchObject({ dryRun: true, matched: 6 });
    expect(dry.sample.map((b: { sid: string }) => b.sid)).toEqual(service.bindings.filter((b) => b.type === 'apn').map((b) => b.sid));

    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let ran: any;
    try {
      ran = await executeCommand(prisma, 'bindings:prune', { service: service.sid, updatedBefore: future, type: 'apn' });
    } finally {
      process.stderr.write = stderr;
    }
    expect(ran).toMatchObject({ dryRun: false, ranHere: true, job: { status: 'done', matched: 6, deleted: 6, createdBy: CLI_CREATOR } });
    expect(await auditOf(ran.job.sid)).toHaveLength(6);
    expect((await auditOf(ran.job.sid))[0]?.credentialSid).toBe(CLI_CREATOR);

    const past = await executeCommand(prisma, 'bindings:prune', { service: service.sid, updatedBefore: '2001-01-01', dryRun: 'true' });
    expect(past).toMatchObject({ matched: 0 });

    const list = (await executeCommand(prisma, 'prune:list', { account: t.scenario.a.sid })) as { jobs: Array<{ sid: string }> };
    expect(list.jobs[0]?.sid).toBe(ran.job.sid);

    const queued = await createPruneJob(prisma, null, service.sid, { bindingTypes: ['gcm'] });
    expect(await executeCommand(prisma, 'prune:cancel', { job: queued.sid })).toMatchObject({ job: { status: 'cancelled', deleted: 0 } });
    await expect(executeCommand(prisma, 'prune:cancel', { job: newSid('PJ') })).rejects.toThrow(/was not found/);
    await expect(executeCommand(prisma, 'bindings:prune', { service: service.sid })).rejects.toThrow(/--updated-before is required/);
    await expect(executeCommand(prisma, 'bindings:prune', { service: newSid('IS'), updatedBefore: future })).rejects.toThrow(/was not found/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
