import { type Binding, type BindingType, Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { BINDING_TYPES, type BindingFilter, bindingConditions } from './bindings.js';
import { BadInputError, ForbiddenError, NotFoundError } from './errors.js';
import { isSid, newSid } from './sids.js';
import { projection } from './tables.js';

/**
 * Bulk deletion of one service's bindings matching a filter, as a job: the
 * request only inserts the job row (with the number of matching rows); a
 * runner (src/jobs/prune.ts) deletes in batches. Each batch is ONE statement
 * that locks the job row, deletes the next rows after the job's cursor in sid
 * order, writes one audit row per deleted binding and moves the job's cursor
 * and count: a crash never loses or double-counts a batch, a cancelled job's
 * batch deletes nothing, and two jobs over the same rows never both delete
 * one (counts come from RETURNING).
 */

export const PRUNE_STATUSES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export type PruneStatus = (typeof PRUNE_STATUSES)[number];

/** Rows deleted per batch (one statement, one transaction). */
export const DEFAULT_PRUNE_BATCH = 500;
/** A running job whose owner has not written a heartbeat for this long is taken over by another runner. */
export const DEFAULT_PRUNE_LEASE_MS = 60_000;
/** Bindings a dry run returns at most. */
export const MAX_PRUNE_SAMPLE = 100;

/** `created_by` of jobs started by the operator CLI, which has no credential. */
export const CLI_CREATOR = 'cli';

/** The filter as stored in `prune_jobs.filter`: only the conditions given, dates as ISO strings. */
export interface StoredFilter {
  bindingTypes?: BindingType[];
  identities?: string[];
  identityPrefix?: string;
  credentialSids?: string[];
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
}

export interface PruneJob {
  sid: string;
  accountSid: string;
  serviceSid: string;
  filter: StoredFilter;
  status: PruneStatus;
  matched: number;
  deleted: number;
  cursor: string | null;
  createdBy: string;
  owner: string | null;
  heartbeatAt: Date | null;
  error: string | null;
  dateCreated: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Who starts or cancels a job: a caller of the API, or the operator CLI (any account, `createdBy: 'cli'`). */
export interface PruneActor {
  accountSid: string;
  /** Account SID, API key SID, or CLI_CREATOR. */
  credentialSid: string;
  scope: 'read' | 'read-write';
}

const NOW = Prisma.raw("(now() AT TIME ZONE 'UTC')");
const JOB_COLUMNS = Prisma.raw(
  `j.sid, j.account_sid AS "accountSid", j.service_sid AS "serviceSid", j.filter, j.status, j.matched, j.deleted, j.cursor,
   j.created_by AS "createdBy", j.owner, j.heartbeat_at AS "heartbeatAt", j.error, j.date_created AS "dateCreated",
   j.started_at AS "startedAt", j.finished_at AS "finishedAt"`,
);
const BINDING_COLUMNS = projection('bindings', 't');

const FILTER_FIELDS = 'bindingType, credentialSid, createdAfter, createdBefore, updatedAfter, updatedBefore, identity, identityPrefix';

/**
 * The filter with only its real conditions, ready to store; BadInputError
 * (naming `argument`) when there is none: pruning a whole service by accident
 * takes an explicit condition.
 */
export function normaliseFilter(filter: BindingFilter, argument = 'input.filter'): StoredFilter {
  const out: StoredFilter = {};
  const list = <T extends string>(values: readonly T[] | null | undefined) => (values?.length ? [...new Set(values)].sort() : undefined);
  const types = list(filter.bindingTypes);
  if (types) {
    for (const type of types) if (!BINDING_TYPES.includes(type)) throw new BadInputError(`${argument}.bindingType: unknown type ${type}`, argument);
    out.bindingTypes = types;
  }
  const identities = list(filter.identities);
  if (identities) out.identities = identities;
  if (filter.identityPrefix) out.identityPrefix = filter.identityPrefix;
  const credentials = list(filter.credentialSids);
  if (credentials) out.credentialSids = credentials;
  for (const key of ['createdAfter', 'createdBefore', 'updatedAfter', 'updatedBefore'] as const) {
    const value = filter[key];
    if (value) {
      if (Number.isNaN(value.getTime())) throw new BadInputError(`${argument}.${key} is not a valid instant`, argument);
      out[key] = value.toISOString();
    }
  }
  if (Object.keys(out).length === 0) {
    throw new BadInputError(`a filter is required to prune; give at least one of ${FILTER_FIELDS} (an empty list is no condition)`, argument);
  }
  return out;
}

/** The stored filter as the bindings lists take it. */
export function filterOf(stored: StoredFilter): BindingFilter {
  const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));
  return {
    bindingTypes: stored.bindingTypes,
    identities: stored.identities,
    identityPrefix: stored.identityPrefix,
    credentialSids: stored.credentialSids,
    createdAfter: date(stored.createdAfter),
    createdBefore: date(stored.createdBefore),
    updatedAfter: date(stored.updatedAfter),
    updatedBefore: date(stored.updatedBefore),
  };
}

/** Conditions on `t` for the bindings a job (or dry run) deletes: its account's, its service's, passing its filter. */
function pruneConditions(accountSid: string, serviceSid: string, filter: StoredFilter): Prisma.Sql {
  return Prisma.join([...bindingConditions(accountSid, filterOf(filter)), Prisma.sql`t.service_sid = ${serviceSid}`], ' AND ');
}

/** The account of a service the actor may prune (the CLI: any service); NotFoundError otherwise. */
async function serviceAccount(prisma: PrismaClient, actor: PruneActor | null, serviceSid: string): Promise<string> {
  if (!isSid(serviceSid, 'IS')) throw new NotFoundError(`Service ${serviceSid} was not found`);
  const service = await prisma.service.findUnique({ where: { sid: serviceSid }, select: { accountSid: true } });
  // Another account's service behaves exactly like one that does not exist.
  if (!service || (actor && service.accountSid !== actor.accountSid)) throw new NotFoundError(`Service ${serviceSid} was not found`);
  return service.accountSid;
}

export interface DryRun {
  accountSid: string;
  serviceSid: string;
  filter: StoredFilter;
  matched: number;
}

/** What a job with this filter would delete now: the count (the sample is read by pruneSample). Reads only. */
export async function pruneDryRun(prisma: PrismaClient, actor: PruneActor | null, serviceSid: string, filter: BindingFilter): Promise<DryRun> {
  const stored = normaliseFilter(filter);
  const accountSid = await serviceAccount(prisma, actor, serviceSid);
  const [row] = await prisma.$queryRaw<Array<{ matched: bigint }>>`
    SELECT count(*) AS matched FROM bindings t WHERE ${pruneConditions(accountSid, serviceSid, stored)}`;
  return { accountSid, serviceSid, filter: stored, matched: Number(row?.matched ?? 0) };
}

/** The first `first` bindings (in sid order) a dry run matched. */
export function pruneSample(prisma: PrismaClient, run: DryRun, first: number): Promise<Binding[]> {
  const limit = Math.max(0, Math.min(first, MAX_PRUNE_SAMPLE));
  return prisma.$queryRaw<Binding[]>`
    SELECT ${BINDING_COLUMNS} FROM bindings t WHERE ${pruneConditions(run.accountSid, run.serviceSid, run.filter)}
    ORDER BY t.sid LIMIT ${limit}`;
}

/**
 * Creates a queued job over the service's bindings matching `filter`, counting
 * them in the same statement. `actor` null: the operator CLI (any account's
 * service, created by `cli`). ForbiddenError for a read-only credential,
 * NotFoundError for a service that is not the actor's, BadInputError for an
 * empty filter.
 */
export async function createPruneJob(prisma: PrismaClient, actor: PruneActor | null, serviceSid: string, filter: BindingFilter): Promise<PruneJob> {
  if (actor && actor.scope !== 'read-write') throw new ForbiddenError('This credential is read-only: it cannot delete bindings');
  const stored = normaliseFilter(filter);
  const accountSid = await serviceAccount(prisma, actor, serviceSid);
  const [job] = await prisma.$queryRaw<PruneJob[]>`
    WITH j AS (
      INSERT INTO prune_jobs (sid, account_sid, service_sid, filter, status, matched, deleted, created_by, date_created)
      SELECT ${newSid('PJ')}, ${accountSid}, ${serviceSid}, ${JSON.stringify(stored)}::jsonb, 'queued',
             (SELECT count(*) FROM bindings t WHERE ${pruneConditions(accountSid, serviceSid, stored)})::int,
             0, ${actor?.credentialSid ?? CLI_CREATOR}, ${NOW}
      RETURNING *
    )
    SELECT ${JOB_COLUMNS} FROM j`;
  return job!;
}

/** One job of the account (any account's for null); null when there is none. */
export async function getPruneJob(prisma: PrismaClient, accountSid: string | null, sid: string): Promise<PruneJob | null> {
  if (!isSid(sid, 'PJ')) return null;
  const account = accountSid === null ? Prisma.empty : Prisma.sql`AND j.account_sid = ${accountSid}`;
  const [job] = await prisma.$queryRaw<PruneJob[]>`SELECT ${JOB_COLUMNS} FROM prune_jobs j WHERE j.sid = ${sid} ${account}`;
  return job ?? null;
}

/** Jobs, newest first, of one account or all. */
export function listPruneJobs(prisma: PrismaClient, filter: { accountSid?: string | undefined; limit: number }): Promise<PruneJob[]> {
  const account = filter.accountSid === undefined ? Prisma.empty : Prisma.sql`WHERE j.account_sid = ${filter.accountSid}`;
  return prisma.$queryRaw<PruneJob[]>`
    SELECT ${JOB_COLUMNS} FROM prune_jobs j ${account} ORDER BY j.date_created DESC, j.sid DESC LIMIT ${filter.limit}`;
}

/**
 * Cancels a queued or running job: no batch deletes anything after this
 * commits (a batch in flight finishes first: it holds the job's row). The job
 * as it is then; NotFoundError for an unknown job (or another account's),
 * ForbiddenError for a read-only credential. A finished job is returned unchanged.
 */
export async function cancelPruneJob(prisma: PrismaClient, actor: PruneActor | null, sid: string): Promise<PruneJob> {
  if (actor && actor.scope !== 'read-write') throw new ForbiddenError('This credential is read-only: it cannot cancel jobs');
  const account = actor === null ? Prisma.empty : Prisma.sql`AND j.account_sid = ${actor.accountSid}`;
  if (isSid(sid, 'PJ')) {
    await prisma.$executeRaw`
      UPDATE prune_jobs j SET status = 'cancelled', owner = NULL, finished_at = ${NOW}
      WHERE j.sid = ${sid} ${account} AND j.status IN ('queued', 'running')`;
  }
  const job = await getPruneJob(prisma, actor?.accountSid ?? null, sid);
  if (!job) throw new NotFoundError(`Prune job ${sid} was not found`);
  return job;
}

/**
 * Takes a job to run: `sid`'s, or the oldest one waiting. A job can be taken
 * when it is queued, or running without an owner (released at a shutdown) or
 * with an owner whose heartbeat is older than `leaseMs` (a process that
 * died). SKIP LOCKED: two runners never take the same job.
 */
export async function claimPruneJob(prisma: PrismaClient, owner: string, options: { sid?: string; leaseMs?: number } = {}): Promise<PruneJob | null> {
  const leaseMs = options.leaseMs ?? DEFAULT_PRUNE_LEASE_MS;
  const only = options.sid === undefined ? Prisma.empty : Prisma.sql`AND c.sid = ${options.sid}`;
  const [job] = await prisma.$queryRaw<PruneJob[]>`
    WITH c AS (
      SELECT c.sid FROM prune_jobs c
      WHERE c.status IN ('queued', 'running') ${only}
        AND (c.owner IS NULL OR c.heartbeat_at IS NULL OR c.heartbeat_at < ${NOW} - make_interval(secs => ${leaseMs / 1000}))
      ORDER BY c.date_created, c.sid LIMIT 1
      FOR UPDATE SKIP LOCKED
    ), j AS (
      UPDATE prune_jobs j SET status = 'running', owner = ${owner}, heartbeat_at = ${NOW}, started_at = COALESCE(j.started_at, ${NOW})
      FROM c WHERE j.sid = c.sid RETURNING j.*
    )
    SELECT ${JOB_COLUMNS} FROM j`;
  return job ?? null;
}

/** Gives a running job back (the runner stops at a shutdown): it stays running, and any runner resumes it at once. */
export async function releasePruneJob(prisma: PrismaClient, owner: string, sid: string): Promise<void> {
  await prisma.$executeRaw`UPDATE prune_jobs SET owner = NULL WHERE sid = ${sid} AND owner = ${owner} AND status = 'running'`;
}

/** Ends a job the runner cannot finish. */
export async function failPruneJob(prisma: PrismaClient, owner: string, sid: string, error: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE prune_jobs SET status = 'failed', owner = NULL, error = ${error.slice(0, 500)}, finished_at = ${NOW}
    WHERE sid = ${sid} AND owner = ${owner} AND status = 'running'`;
}

export interface BatchOutcome {
  /** Rows this batch deleted (never counted by another batch or job). */
  deleted: number;
  /** The job after the batch; null when the runner no longer owns it running (cancelled, taken over, gone): nothing was done. */
  job: PruneJob | null;
}

/**
 * One batch of a job `owner` runs, in one statement: locks the job's row
 * (only while it is running and `owner`'s), picks the next `batch` matching
 * rows after the cursor in sid order, deletes those that still match (a row
 * updated meanwhile is checked again; one deleted by someone else is skipped),
 * writes one audit row per deleted binding (front door `job`, request id the
 * job's sid, credential its creator), and moves the cursor past the rows
 * examined and `deleted` by the rows deleted; a batch shorter than `batch`
 * finishes the job (status done).
 */
export async function runPruneBatch(prisma: PrismaClient, job: PruneJob, owner: string, batch = DEFAULT_PRUNE_BATCH): Promise<BatchOutcome> {
  const conditions = pruneConditions(job.accountSid, job.serviceSid, job.filter);
  const [row] = await prisma.$queryRaw<Array<PruneJob & { batchDeleted: number | null }>>`
    WITH me AS (
      SELECT m.sid, m.cursor, m.created_by FROM prune_jobs m
      WHERE m.sid = ${job.sid} AND m.owner = ${owner} AND m.status = 'running'
      FOR UPDATE
    ), picked AS MATERIALIZED (
      SELECT t.sid FROM bindings t, me
      WHERE ${conditions} AND (me.cursor IS NULL OR t.sid > me.cursor)
      ORDER BY t.sid LIMIT ${batch}
    ), gone AS (
      DELETE FROM bindings t USING picked p WHERE t.sid = p.sid AND ${conditions} RETURNING t.*
    ), audit AS (
      INSERT INTO binding_deletions (sid, account_sid, credential_sid, front_door, request_id, binding_sid, service_sid, binding)
      SELECT 'DL' || replace(gen_random_uuid()::text, '-', ''), d.account_sid, me.created_by, 'job', me.sid, d.sid, d.service_sid, to_jsonb(d)
      FROM gone d, me
    ), j AS (
      UPDATE prune_jobs j SET
        deleted = j.deleted + (SELECT count(*) FROM gone)::int,
        cursor = COALESCE((SELECT max(p.sid) FROM picked p), j.cursor),
        heartbeat_at = ${NOW},
        status = CASE WHEN (SELECT count(*) FROM picked) < ${batch} THEN 'done' ELSE j.status END,
        owner = CASE WHEN (SELECT count(*) FROM picked) < ${batch} THEN NULL ELSE j.owner END,
        finished_at = CASE WHEN (SELECT count(*) FROM picked) < ${batch} THEN ${NOW} ELSE j.finished_at END
      FROM me WHERE j.sid = me.sid
      RETURNING j.*
    )
    SELECT ${JOB_COLUMNS}, (SELECT count(*) FROM gone)::int AS "batchDeleted" FROM j`;
  if (!row) return { deleted: 0, job: null };
  const { batchDeleted, ...after } = row;
  return { deleted: Number(batchDeleted ?? 0), job: after };
}

/** Jobs running now (for the metrics). */
export async function runningPruneJobs(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM prune_jobs WHERE status = 'running'`;
  return Number(row?.n ?? 0);
}
