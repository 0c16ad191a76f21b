import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimPruneJob,
  DEFAULT_PRUNE_BATCH,
  DEFAULT_PRUNE_LEASE_MS,
  failPruneJob,
  getPruneJob,
  type PruneJob,
  releasePruneJob,
  runPruneBatch,
} from '../domain/prune.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../platform/logger.js';
import { recordPruneBatch, recordPruneJobEnded } from '../platform/metrics.js';

/**
 * Runs prune jobs (src/domain/prune.ts) inside a gateway process: one loop per
 * process, one job at a time, one batch (one statement) at a time, yielding
 * to requests between batches. Jobs are taken with SKIP LOCKED and owned
 * under a lease, so with several processes a job never runs twice at once; a
 * job left running by a stopped process (released) or a dead one (lease
 * expired) is resumed from its cursor.
 */

export interface PruneRunnerOptions {
  /** Rows per batch (DEFAULT_PRUNE_BATCH). */
  batchSize?: number;
  /** How often an idle runner looks for jobs created elsewhere (another process, the CLI), in ms. */
  pollMs?: number;
  /** See claimPruneJob. */
  leaseMs?: number;
  /** Pause between batches, in ms (0: only yield to the event loop). */
  pauseMs?: number;
  /** Called after every batch (tests, progress). */
  onBatch?: (job: PruneJob, deleted: number) => void;
}

export interface PruneRunner {
  /** This runner's owner id in `prune_jobs.owner`. */
  readonly owner: string;
  /** Look for jobs now (a job was just created in this process). */
  wake(): void;
  /**
   * Stops at the next batch boundary; the job in hand stays running, released
   * so that the next start (or another process) resumes it at once.
   */
  stop(): Promise<void>;
}

/** Failed batches in a row before a job is marked failed (a database outage is retried a few times). */
const ATTEMPTS = 3;

export function newRunnerOwner(kind = 'gateway'): string {
  return `${kind}:${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Runners of this process (a process runs at most one loop; tests may start several over different databases). */
const running = new Set<PruneRunner>();

/** Wakes this process's runners: a job was created here. */
export function wakePruneRunners(): void {
  for (const runner of running) runner.wake();
}

/** Whether a gateway runner works in this process (then a job created here needs no other runner). */
export function pruneRunnerActive(): boolean {
  return running.size > 0;
}

export function startPruneRunner(prisma: PrismaClient, logger: Logger, options: PruneRunnerOptions = {}): PruneRunner {
  const owner = newRunnerOwner();
  const pollMs = options.pollMs ?? 2_000;
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  const stopped = new AbortController();

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        stopped.signal.removeEventListener('abort', done);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      stopped.signal.addEventListener('abort', done);
    });

  const loop = (async () => {
    while (!stopping) {
      let job: PruneJob | null = null;
      try {
        job = await claimPruneJob(prisma, owner, { leaseMs: options.leaseMs ?? DEFAULT_PRUNE_LEASE_MS });
      } catch (err) {
        logger.warn('prune runner: cannot look for jobs', { err });
      }
      if (!job) {
        await idle();
        continue;
      }
      await runClaimedJob(prisma, logger, job, owner, { ...options, shouldStop: () => stopping });
    }
  })();

  const runner: PruneRunner = {
    owner,
    wake: () => wakeUp?.(),
    async stop() {
      stopping = true;
      stopped.abort();
      await loop;
      running.delete(runner);
    },
  };
  running.add(runner);
  return runner;
}

export interface RunJobOptions extends PruneRunnerOptions {
  /** Checked between batches: true stops the job at this boundary (released, still running). */
  shouldStop?: () => boolean;
}

/**
 * Runs a job this owner has claimed until it is done, cancelled, taken over,
 * failed, or `shouldStop` says so (then released). Returns the job as the
 * last batch left it (null when the runner lost it).
 */
export async function runClaimedJob(
  prisma: PrismaClient,
  logger: Logger,
  claimed: PruneJob,
  owner: string,
  options: RunJobOptions = {},
): Promise<PruneJob | null> {
  let job: PruneJob = claimed;
  let failures = 0;
  logger.info('prune job running', { job: job.sid, service: job.serviceSid, matched: job.matched, deleted: job.deleted });
  for (;;) {
    if (options.shouldStop?.()) {
      await releasePruneJob(prisma, owner, job.sid).catch((err: unknown) => logger.warn('prune job not released', { job: job.sid, err }));
      logger.info('prune job paused at shutdown', { job: job.sid, deleted: job.deleted });
      return job;
    }
    try {
      const outcome = await runPruneBatch(prisma, job, owner, options.batchSize ?? DEFAULT_PRUNE_BATCH);
      failures = 0;
      recordPruneBatch(outcome.deleted);
      if (!outcome.job) {
        logger.info('prune job stopped: cancelled or taken over', { job: job.sid });
        return null;
      }
      job = outcome.job;
      options.onBatch?.(job, outcome.deleted);
      if (job.status !== 'running') {
        if (job.status === 'done' || job.status === 'failed') recordPruneJobEnded(job.status);
        logger.info('prune job finished', { job: job.sid, status: job.status, matched: job.matched, deleted: job.deleted });
        return job;
      }
    } catch (err) {
      failures++;
      recordPruneBatch(null);
      logger.warn('prune batch failed', { job: job.sid, attempt: failures, err });
      if (failures >= ATTEMPTS) {
        // The API shows `error`: no internal message there; the log has it in full.
        await failPruneJob(prisma, owner, job.sid, `stopped after ${ATTEMPTS} failed batches in a row (see the gateway's log)`).catch(() => {});
        recordPruneJobEnded('failed');
        return null;
      }
      await sleep(500 * failures);
      continue;
    }
    // Let requests in between batches.
    if (options.pauseMs) await sleep(options.pauseMs);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface RunHereOptions extends PruneRunnerOptions {
  /** Called while another process runs the job (every `pollMs`). */
  onWait?: (job: PruneJob) => void;
}

/**
 * Sees one job through in this process (the CLI when no gateway runs): runs
 * it whenever it can take it, otherwise waits while another runner has it
 * (and takes over if that one's lease expires). Returns the job once it is
 * done, cancelled or failed.
 */
export async function runPruneJobHere(prisma: PrismaClient, logger: Logger, sid: string, options: RunHereOptions = {}): Promise<PruneJob> {
  const owner = newRunnerOwner('cli');
  const leaseMs = options.leaseMs ?? DEFAULT_PRUNE_LEASE_MS;
  for (;;) {
    const claimed = await claimPruneJob(prisma, owner, { sid, leaseMs });
    if (claimed) await runClaimedJob(prisma, logger, claimed, owner, options);
    const job = await getPruneJob(prisma, null, sid);
    if (!job) throw new Error(`prune job ${sid} disappeared`);
    if (job.status !== 'queued' && job.status !== 'running') return job;
    if (!claimed) {
      options.onWait?.(job);
      await sleep(options.pollMs ?? 1_000);
    }
  }
}
