import { BINDING_TYPES, type BindingType } from '../../domain/bindings.js';
import { cancelPruneJob, createPruneJob, listPruneJobs, type PruneJob, pruneDryRun, pruneSample, type StoredFilter } from '../../domain/prune.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { pruneRunnerActive, runPruneJobHere, wakePruneRunners } from '../../jobs/prune.js';
import { createLogger } from '../../platform/logger.js';
import { accountArg, choiceArg, intArg, optional, sidArg } from '../args.js';
import { type Command, UsageError } from '../command.js';
import { lines, shortIso, table } from '../format.js';

// Bulk deletion jobs (src/domain/prune.ts): start one, list them, cancel one.

export const PRUNE_LIST_DEFAULT = 50;
const SAMPLE = 20;

interface JobView {
  sid: string;
  accountSid: string;
  serviceSid: string;
  filter: StoredFilter;
  status: string;
  matched: number;
  deleted: number;
  createdBy: string;
  dateCreated: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

function view(job: PruneJob): JobView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    sid: job.sid,
    accountSid: job.accountSid,
    serviceSid: job.serviceSid,
    filter: job.filter,
    status: job.status,
    matched: job.matched,
    deleted: job.deleted,
    createdBy: job.createdBy,
    dateCreated: iso(job.dateCreated)!,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    error: job.error,
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DAY_MS = 86_400_000;

/** `--updated-before`: a date (UTC midnight), a date-time with its zone, or `30d` (that many days ago). */
function instantArg(value: unknown): Date {
  const text = typeof value === 'string' ? value.trim() : '';
  const days = /^(\d{1,5})d$/.exec(text);
  let date: Date | undefined;
  if (days) date = new Date(Date.now() - Number(days[1]) * DAY_MS);
  else if (ISO_DATE.test(text)) date = new Date(`${text}T00:00:00Z`);
  else if (ISO_DATE_TIME.test(text)) date = new Date(text);
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--updated-before must be a date (2026-11-21, UTC), a date-time with its zone (2026-11-21T10:00:00Z) or a number of days back (90d), got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

interface PruneArgs {
  serviceSid: string;
  updatedBefore: Date;
  bindingType: BindingType | undefined;
  dryRun: boolean;
}

type PruneResult =
  | { dryRun: true; serviceSid: string; matched: number; sample: Array<{ sid: string; bindingType: string; dateUpdated: string }> }
  | { dryRun: false; job: JobView; ranHere: boolean };

export const bindingsPrune: Command<PruneArgs, PruneResult> = {
  name: 'bindings:prune',
  summary: "delete a service's bindings last updated before a date (audited), as a job; --dry-run only counts them",
  usage: '--service IS… --updated-before 2026-06-01|2026-06-01T00:00:00Z|90d [--type apn|gcm|fcm] [--dry-run]',
  options: ['service', 'updatedBefore', 'type', 'dryRun'],
  switches: ['dryRun'],
  parse: (a) => ({
    serviceSid: sidArg(a, 'service', 'IS', 'a service SID'),
    updatedBefore: a.updatedBefore === undefined ? missing('--updated-before') : instantArg(a.updatedBefore),
    bindingType: optional(a, 'type', () => choiceArg(a, 'type', BINDING_TYPES, 'apn, gcm or fcm')),
    dryRun: a.dryRun === 'true' || a.dryRun === true,
  }),
  async run(prisma, args) {
    const filter = { updatedBefore: args.updatedBefore, bindingTypes: args.bindingType ? [args.bindingType] : undefined };
    if (args.dryRun) {
      const run = await pruneDryRun(prisma, null, args.serviceSid, filter);
      const sample = await pruneSample(prisma, run, SAMPLE);
      return {
        dryRun: true,
        serviceSid: args.serviceSid,
        matched: run.matched,
        sample: sample.map((b) => ({ sid: b.sid, bindingType: b.bindingType, dateUpdated: new Date(b.dateUpdated).toISOString() })),
      };
    }
    const job = await createPruneJob(prisma, null, args.serviceSid, filter);
    // Inside a gateway (the embedded database's admin channel): its runner does the work.
    if (pruneRunnerActive()) {
      wakePruneRunners();
      return { dryRun: false, job: view(job), ranHere: false };
    }
    return { dryRun: false, job: view(await runHere(prisma, job)), ranHere: true };
  },
  format: (r) => {
    if (r.dryRun) {
      return lines(
        `Dry run: ${r.matched} binding(s) of service ${r.serviceSid} would be deleted; nothing was.`,
        ...(r.sample.length
          ? [
              '',
              table(
                ['SID', 'TYPE', 'UPDATED'],
                r.sample.map((b) => [b.sid, b.bindingType, shortIso(b.dateUpdated)]),
              ).trimEnd(),
            ]
          : []),
      );
    }
    const { job } = r;
    return r.ranHere
      ? lines(`Prune job ${job.sid} ${job.status}: ${job.deleted} of ${job.matched} matching binding(s) deleted (audit: request id ${job.sid}).`)
      : lines(
          `Started prune job ${job.sid} (${job.matched} matching binding(s)); the running gateway deletes them in batches.`,
          `Follow it with: npm run cli -- prune:list --account ${job.accountSid}`,
        );
  },
};

function missing(flag: string): never {
  throw new UsageError(`${flag} is required`);
}

/** Runs the job in this (CLI) process, with a progress line on stderr; waits for it when another process runs it. */
async function runHere(prisma: PrismaClient, job: PruneJob): Promise<PruneJob> {
  const out = process.stderr;
  let lastLine = 0;
  const progress = (j: PruneJob, force = false) => {
    const now = Date.now();
    if (!force && now - lastLine < (out.isTTY ? 100 : 2_000)) return;
    lastLine = now;
    const pct = j.matched > 0 ? Math.min(100, Math.floor((100 * j.deleted) / j.matched)) : 100;
    const text = `pruning ${j.sid}: ${j.deleted}/${j.matched} deleted (${pct}%) ${j.status}`;
    out.write(out.isTTY ? `\r${text}\u001b[K` : `${text}\n`);
  };
  const final = await runPruneJobHere(prisma, createLogger('warn'), job.sid, { onBatch: (j) => progress(j), onWait: (j) => progress(j) });
  progress(final, true);
  if (out.isTTY) out.write('\n');
  return final;
}

export const pruneList: Command<{ accountSid: string | undefined; limit: number }, { jobs: JobView[] }> = {
  name: 'prune:list',
  summary: 'list prune jobs, newest first (status, bindings matched and deleted)',
  usage: `[--account AC…] [--limit 1-1000, default ${PRUNE_LIST_DEFAULT}]`,
  options: ['account', 'limit'],
  parse: (a) => ({
    accountSid: optional(a, 'account', () => accountArg(a)),
    limit: optional(a, 'limit', () => intArg(a.limit, 'limit', 1, 1000)) ?? PRUNE_LIST_DEFAULT,
  }),
  async run(prisma, args) {
    return { jobs: (await listPruneJobs(prisma, args)).map(view) };
  },
  format: (r) =>
    r.jobs.length === 0
      ? 'No prune jobs.\n'
      : table(
          ['SID', 'SERVICE', 'CREATED', 'STATUS', 'DELETED', 'MATCHED', 'FILTER'],
          r.jobs.map((j) => [j.sid, j.serviceSid, shortIso(j.dateCreated), j.status, String(j.deleted), String(j.matched), JSON.stringify(j.filter)]),
        ),
};

export const pruneCancel: Command<{ sid: string }, { job: JobView }> = {
  name: 'prune:cancel',
  summary: 'cancel a queued or running prune job (bindings already deleted stay deleted)',
  usage: 'PJ…',
  options: ['job'],
  positional: 'job',
  parse: (a) => ({ sid: sidArg(a, 'job', 'PJ', 'a prune job SID') }),
  async run(prisma, args) {
    return { job: view(await cancelPruneJob(prisma, null, args.sid)) };
  },
  format: (r) => lines(`Prune job ${r.job.sid} is ${r.job.status}: ${r.job.deleted} of ${r.job.matched} binding(s) deleted.`),
};
