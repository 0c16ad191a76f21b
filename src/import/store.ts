import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createAccount } from '../domain/accounts.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { ResourceKind } from './records.js';
import type { BeginRequest, BeginResult, Checkpoint, Counts, FinishRequest, FinishResult, ImportStore, WriteRequest } from './store-protocol.js';

/**
 * The importer's writes, over a PrismaClient: the store the CLI uses on
 * PostgreSQL, and the one the running gateway uses for the CLI over the admin
 * channel on the embedded database (see channel-store.ts).
 *
 * Each page is one SQL statement (see `upsert`), so it is applied whole or not
 * at all: its rows (travelling as one JSON parameter), the checkpoint that
 * says where the next page starts, the run's heartbeat and, for a pruning
 * run, the SIDs seen. `npm run bench:import` measures the rate.
 */

/** A run whose owner has not written for this long is considered dead and may be taken over. */
export const STALE_AFTER_MS = 120_000;
/** How long one page's transaction may take. */
const PAGE_TIMEOUT_MS = 120_000;

/** The import's owner is gone or another run took over: this run must stop. */
export class ImportConflictError extends Error {
  override name = 'ImportConflictError';
}

/** The source's data cannot be stored as it is (a SID of another account, a clash the import cannot resolve). */
export class ImportDataError extends Error {
  override name = 'ImportDataError';
}

export function createDirectStore(prisma: PrismaClient): ImportStore {
  return {
    begin: (request) => begin(prisma, request),
    write: (request) => write(prisma, request),
    finish: (request) => finish(prisma, request),
    release: (request) => release(prisma, request),
  };
}

type Tx = Prisma.TransactionClient;

async function begin(prisma: PrismaClient, request: BeginRequest): Promise<BeginResult> {
  const { accountSid } = request;
  const existing = await prisma.account.findUnique({ where: { sid: accountSid }, select: { sid: true } });
  if (request.dryRun) return { runId: 'dry-run', resumed: false, checkpoints: [], account: { created: !existing } };

  let account: BeginResult['account'] = { created: false };
  if (!existing) {
    try {
      const created = await createAccount(prisma, { sid: accountSid, friendlyName: request.accountName, authToken: request.authToken });
      account = { created: true, ...(request.authToken ? {} : { authToken: created.authToken }) };
    } catch (err) {
      // Another import of this account created it a moment ago: the lock below decides which one runs.
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    }
  }
  return prisma.$transaction(
    async (tx) => {
      // Lock the account's run row (or its absence, via the account row) so two starts serialise.
      await tx.$queryRaw`SELECT sid FROM accounts WHERE sid = ${accountSid} FOR UPDATE`;
      const run = await tx.importRun.findUnique({ where: { accountSid } });
      const now = new Date();
      if (run && !run.finishedAt && ownerAlive(run, now)) {
        throw new ImportConflictError(
          `an import of account ${accountSid} is already running: pid ${run.ownerPid} on ${run.ownerHost}, from ${run.source}, ` +
            `started ${run.startedAt.toISOString()}, last progress ${run.heartbeatAt.toISOString()}. ` +
            'Wait for it to finish or stop it; a stopped import is resumed by the next run.',
        );
      }
      const owner = { ownerPid: request.owner.pid, ownerHost: request.owner.host, heartbeatAt: now };
      // An interrupted run is resumed when it read the same source the same way; otherwise it starts over.
      const resumable = run && !run.finishedAt && run.source === request.source && (run.prune || !request.prune);
      if (resumable) {
        await tx.importRun.update({ where: { accountSid }, data: { ...owner, prune: run.prune || request.prune } });
        const checkpoints = await tx.importCheckpoint.findMany({ where: { accountSid } });
        return { runId: run.runId, resumed: true, checkpoints: checkpoints.map(toCheckpoint), account };
      }
      if (run) await cleanUp(tx, accountSid, run.runId);
      const runId = randomUUID();
      const fresh = { runId, source: request.source, prune: request.prune, startedAt: now, finishedAt: null, ...owner };
      await tx.importRun.upsert({ where: { accountSid }, create: { accountSid, ...fresh }, update: fresh });
      return { runId, resumed: false, checkpoints: [], account };
    },
    { timeout: PAGE_TIMEOUT_MS },
  );
}

/**
 * The owner still runs. On this host its process answers for it (a run may
 * wait long on a source's Retry-After); elsewhere, a run that has not written
 * for STALE_AFTER_MS is taken for dead.
 */
function ownerAlive(run: { ownerPid: number; ownerHost: string; heartbeatAt: Date }, now: Date): boolean {
  if (run.ownerPid === 0) return false; // released
  if (run.ownerHost !== hostname()) return now.getTime() - run.heartbeatAt.getTime() <= STALE_AFTER_MS;
  try {
    process.kill(run.ownerPid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function cleanUp(tx: Tx, accountSid: string, runId: string): Promise<void> {
  await tx.importCheckpoint.deleteMany({ where: { accountSid } });
  await tx.importSeen.deleteMany({ where: { runId } });
}

function toCheckpoint(row: { list: string; nextPage: string | null; done: boolean; pages: number; records: number }): Checkpoint {
  return { list: row.list, nextPage: row.nextPage, done: row.done, pages: row.pages, records: row.records };
}

async function write(prisma: PrismaClient, request: WriteRequest): Promise<Counts> {
  if (request.dryRun) return countChanges(prisma, request, JSON.stringify(request.records.map(toColumns)));
  const { runId, prune, checkpoint } = request;
  return writeRows(prisma, request, { runId, prune, ...checkpoint });
}

/** Where a page stands in its run: written with the page, in the same statement. */
export interface PageBookkeeping {
  runId: string;
  prune: boolean;
  list: string;
  nextPage: string | null;
}

/** Rows of one kind (of one service, for users and bindings) to upsert. */
export type Rows = Pick<WriteRequest, 'kind' | 'accountSid' | 'serviceSid' | 'records' | 'actorSid'> & { runId: string };

/**
 * Upserts rows in one statement: a page of an import (with its bookkeeping)
 * or part of a file (inside the file's transaction). When a SID belongs to
 * another account or service, or the run lost its lock, the statement writes
 * nothing and this throws (ImportDataError, ImportConflictError).
 */
export async function writeRows(tx: Tx | PrismaClient, rows: Rows, bookkeeping?: PageBookkeeping): Promise<Counts> {
  const input = JSON.stringify(rows.records.map(toColumns));
  const [row] = await tx.$queryRaw<WriteRow[]>`${upsert(rows, input, bookkeeping)}`;
  if (!row) throw new Error('the upsert returned no row');
  if (row.foreign)
    throw new ImportDataError(`${row.foreign} already belongs to another account or service here, so it cannot be imported into ${rows.accountSid}`);
  if (!row.owned) throw new ImportConflictError(`the import run ${rows.runId} of account ${rows.accountSid} was taken over by another run`);
  return { inserted: row.inserted, updated: row.updated, unchanged: rows.records.length - row.inserted - row.updated };
}

interface WriteRow {
  inserted: number;
  updated: number;
  foreign: string | null;
  owned: number;
}

/** snake_case keys, as json_to_recordset matches them to columns. */
function toColumns(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
}

/** The page's rows as a relation `i` with typed columns. */
const INPUT_COLUMNS: Record<ResourceKind, Prisma.Sql> = {
  credentials: Prisma.sql`sid text, friendly_name text, type binding_type, sandbox boolean, date_created timestamptz, date_updated timestamptz`,
  services: Prisma.sql`sid text, friendly_name text, date_created timestamptz, date_updated timestamptz`,
  users: Prisma.sql`sid text, identity text, friendly_name text, date_created timestamptz, date_updated timestamptz`,
  bindings: Prisma.sql`sid text, identity text, endpoint text, binding_type binding_type, credential_sid text, message_types text[], date_created timestamptz, date_updated timestamptz`,
};

function inputCte(request: Pick<Rows, 'kind'>, input: string): Prisma.Sql {
  return Prisma.sql`i AS (SELECT * FROM json_to_recordset(${input}::json) AS i(${INPUT_COLUMNS[request.kind]}))`;
}

const utc = (column: string) => Prisma.raw(`(i.${column} AT TIME ZONE 'UTC')`);

/**
 * One statement: the page's upsert (a row is only rewritten when it differs),
 * for bindings the users and displaced devices first, then the checkpoint, the
 * heartbeat and the SIDs seen. Every write is gated on `ok`: no SID of the
 * page belongs to another account or service (`chk`) and the run still holds
 * the import; otherwise nothing is written. One statement is atomic without a
 * transaction around it, and costs one round trip: `npm run bench:import`.
 */
function upsert(request: Rows, input: string, bookkeeping: PageBookkeeping | undefined): Prisma.Sql {
  const { accountSid, serviceSid = null } = request;
  const gate = Prisma.sql`(SELECT ok FROM ok)`;
  // The page's rows by primary key whatever the planner estimates: PGlite never analyzes, and without statistics it
  // hash-joined the page with a scan of the whole table.
  const bySid = Prisma.sql`t.sid = ANY (ARRAY(SELECT i.sid FROM i))`;
  let write: Prisma.Sql;
  let foreign: Prisma.Sql;
  let prelude = Prisma.empty;
  switch (request.kind) {
    case 'credentials':
      write = Prisma.sql`
        INSERT INTO credentials AS t (sid, account_sid, friendly_name, type, sandbox, date_created, date_updated)
        SELECT i.sid, ${accountSid}, i.friendly_name, i.type, i.sandbox, ${utc('date_created')}, ${utc('date_updated')} FROM i WHERE ${gate}
        ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, type = excluded.type, sandbox = excluded.sandbox,
          date_created = excluded.date_created, date_updated = excluded.date_updated
        WHERE t.account_sid = excluded.account_sid
          AND (t.friendly_name, t.type, t.sandbox, t.date_created, t.date_updated)
              IS DISTINCT FROM (excluded.friendly_name, excluded.type, excluded.sandbox, excluded.date_created, excluded.date_updated)`;
      foreign = Prisma.sql`SELECT t.sid FROM credentials t JOIN i ON i.sid = t.sid WHERE ${bySid} AND t.account_sid <> ${accountSid}`;
      break;
    case 'services':
      write = Prisma.sql`
        INSERT INTO services AS t (sid, account_sid, friendly_name, date_created, date_updated)
        SELECT i.sid, ${accountSid}, i.friendly_name, ${utc('date_created')}, ${utc('date_updated')} FROM i WHERE ${gate}
        ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, date_created = excluded.date_created, date_updated = excluded.date_updated
        WHERE t.account_sid = excluded.account_sid
          AND (t.friendly_name, t.date_created, t.date_updated) IS DISTINCT FROM (excluded.friendly_name, excluded.date_created, excluded.date_updated)`;
      foreign = Prisma.sql`SELECT t.sid FROM services t JOIN i ON i.sid = t.sid WHERE ${bySid} AND t.account_sid <> ${accountSid}`;
      break;
    case 'users':
      // A user is its identity within the service: one created here first (a
      // registration) keeps its SID, since bindings refer to it.
      write = Prisma.sql`
        INSERT INTO users AS t (sid, service_sid, identity, friendly_name, date_created, date_updated)
        SELECT i.sid, ${serviceSid}, i.identity, i.friendly_name, ${utc('date_created')}, ${utc('date_updated')} FROM i WHERE ${gate}
        ON CONFLICT (service_sid, identity) DO UPDATE SET friendly_name = excluded.friendly_name,
          date_created = excluded.date_created, date_updated = excluded.date_updated
        WHERE (t.friendly_name, t.date_created, t.date_updated) IS DISTINCT FROM (excluded.friendly_name, excluded.date_created, excluded.date_updated)`;
      foreign = Prisma.sql`SELECT t.sid FROM users t JOIN i ON i.sid = t.sid WHERE ${bySid} AND (t.service_sid <> ${serviceSid} OR t.identity <> i.identity)`;
      break;
    case 'bindings':
      prelude = bindingsPrelude(request, gate);
      // The user: the one of that identity, or the one the prelude adds (same derived SID).
      // A credential the source no longer has (deleted after the binding was made) leaves credential_sid empty.
      // `displaced` is read first so the devices it deletes are gone before their successors are inserted.
      write = Prisma.sql`
        INSERT INTO bindings AS t (sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, date_created, date_updated)
        SELECT i.sid, ${accountSid}, ${serviceSid}, coalesce(u.sid, ${derivedUserSid(serviceSid)}), i.identity, i.endpoint, i.binding_type, c.sid,
          coalesce(i.message_types, '{}'), ${utc('date_created')}, ${utc('date_updated')}
        FROM i LEFT JOIN users u ON u.service_sid = ${serviceSid} AND u.identity = i.identity
        LEFT JOIN credentials c ON c.sid = i.credential_sid AND c.account_sid = ${accountSid}
        WHERE ${gate} AND (SELECT count(*) FROM displaced) >= 0
        ON CONFLICT (sid) DO UPDATE SET endpoint = excluded.endpoint, binding_type = excluded.binding_type, credential_sid = excluded.credential_sid,
          message_types = excluded.message_types, date_created = excluded.date_created, date_updated = excluded.date_updated
        WHERE t.service_sid = excluded.service_sid AND t.identity = excluded.identity
          AND (t.endpoint, t.binding_type, t.credential_sid, t.message_types, t.date_created, t.date_updated)
              IS DISTINCT FROM (excluded.endpoint, excluded.binding_type, excluded.credential_sid, excluded.message_types, excluded.date_created, excluded.date_updated)`;
      foreign = Prisma.sql`SELECT t.sid FROM bindings t JOIN i ON i.sid = t.sid
        WHERE ${bySid} AND (t.account_sid <> ${accountSid} OR t.service_sid <> ${serviceSid} OR t.identity <> i.identity)`;
      break;
  }
  const owned = bookkeeping
    ? Prisma.sql`EXISTS (SELECT 1 FROM import_runs r WHERE r.account_sid = ${accountSid} AND r.run_id = ${bookkeeping.runId})`
    : Prisma.sql`true`;
  return Prisma.sql`
    WITH ${inputCte(request, input)},
    chk AS (${foreign} LIMIT 1),
    own AS (SELECT ${owned} AS owned),
    ok AS (SELECT NOT EXISTS (SELECT 1 FROM chk) AND (SELECT owned FROM own) AS ok)${prelude},
    w AS (${write} RETURNING (xmax = 0) AS inserted)${bookkeeping ? bookkeepingCtes(request, bookkeeping, gate) : Prisma.empty}
    SELECT (SELECT count(*) FROM w WHERE inserted)::int AS inserted,
           (SELECT count(*) FROM w WHERE NOT inserted)::int AS updated,
           (SELECT sid FROM chk) AS foreign,
           (SELECT owned FROM own) AS owned`;
}

/** The SID a user gets when a binding names an identity the source listed no user for: derived, so re-runs agree. */
function derivedUserSid(serviceSid: string | null): Prisma.Sql {
  return Prisma.sql`('US' || md5(${serviceSid} || ':' || i.identity))`;
}

/** The run's heartbeat (`hb`: no row when another run took over), the checkpoint and, for a pruning run, the SIDs seen. */
function bookkeepingCtes(request: Rows, b: PageBookkeeping, gate: Prisma.Sql): Prisma.Sql {
  const { accountSid } = request;
  const seen =
    b.prune && request.kind === 'bindings'
      ? Prisma.sql`, seen AS (INSERT INTO import_seen (run_id, sid) SELECT ${b.runId}, i.sid FROM i WHERE ${gate} ON CONFLICT DO NOTHING)`
      : Prisma.empty;
  return Prisma.sql`,
    hb AS (UPDATE import_runs SET heartbeat_at = now() AT TIME ZONE 'UTC' WHERE account_sid = ${accountSid} AND run_id = ${b.runId} AND ${gate}),
    cp AS (
      INSERT INTO import_checkpoints AS c (account_sid, list, next_page, done, pages, records)
      SELECT ${accountSid}, ${b.list}, ${b.nextPage}, ${b.nextPage === null}, 1, ${request.records.length} WHERE ${gate}
      ON CONFLICT (account_sid, list) DO UPDATE SET next_page = excluded.next_page, done = excluded.done,
        pages = c.pages + 1, records = c.records + excluded.records
    )${seen}`;
}

/**
 * Before a page of bindings, in the same statement: each identity gets a user
 * when the source listed none (users_added), and a device registered here
 * under another SID gives way to the source's binding (Twilio's uniqueness:
 * service, identity, endpoint, type), its deletion audited like any other.
 */
function bindingsPrelude(request: Rows, gate: Prisma.Sql): Prisma.Sql {
  const { serviceSid = null, accountSid } = request;
  return Prisma.sql`,
    users_added AS (
      INSERT INTO users (sid, service_sid, identity, friendly_name, date_created, date_updated)
      SELECT ${derivedUserSid(serviceSid)}, ${serviceSid}, i.identity, NULL, min(${utc('date_created')}), min(${utc('date_created')})
      FROM i WHERE ${gate} AND NOT EXISTS (SELECT 1 FROM users u WHERE u.service_sid = ${serviceSid} AND u.identity = i.identity)
      GROUP BY i.identity
      ON CONFLICT DO NOTHING
    ),
    displaced AS (
      -- Looked up row by row of the page (a scalar subquery is never turned into a join): planned as a join, without
      -- statistics (PGlite never analyzes) it scanned the service's bindings once per row of the page. binding_type is
      -- compared as text so that the lookup uses the identity's few rows, not the (service_sid, binding_type) index;
      -- identity in byte order (equal strings are equal in either order) so that the identity index, which is
      -- COLLATE "C", applies: without it the index matched service_sid only and each row scanned the whole service.
      DELETE FROM bindings t
      WHERE ${gate} AND t.account_sid = ${accountSid} AND t.sid = ANY (ARRAY(
        SELECT (SELECT b.sid FROM bindings b
                WHERE b.service_sid = ${serviceSid} AND b.identity COLLATE "C" = i.identity AND b.endpoint = i.endpoint
                  AND b.binding_type::text = i.binding_type::text AND b.sid <> i.sid)
        FROM i))
      RETURNING t.*
    ),
    displaced_audit AS (
      INSERT INTO binding_deletions (sid, account_sid, credential_sid, front_door, request_id, binding_sid, service_sid, binding)
      SELECT 'DL' || replace(gen_random_uuid()::text, '-', ''), d.account_sid, ${request.actorSid}, 'import', ${request.runId}, d.sid, d.service_sid, to_jsonb(d)
      FROM displaced d
    )`;
}

/** A dry run's page: what the upsert would do, read-only. */
async function countChanges(prisma: PrismaClient, request: WriteRequest, input: string): Promise<Counts> {
  const { accountSid, serviceSid = null } = request;
  let join: Prisma.Sql;
  let differs: Prisma.Sql;
  switch (request.kind) {
    case 'credentials':
      join = Prisma.sql`credentials t ON t.sid = i.sid AND t.account_sid = ${accountSid}`;
      differs = Prisma.sql`(t.friendly_name, t.type, t.sandbox, t.date_created, t.date_updated)
        IS DISTINCT FROM (i.friendly_name, i.type, i.sandbox, ${utc('date_created')}, ${utc('date_updated')})`;
      break;
    case 'services':
      join = Prisma.sql`services t ON t.sid = i.sid AND t.account_sid = ${accountSid}`;
      differs = Prisma.sql`(t.friendly_name, t.date_created, t.date_updated) IS DISTINCT FROM (i.friendly_name, ${utc('date_created')}, ${utc('date_updated')})`;
      break;
    case 'users':
      join = Prisma.sql`users t ON t.service_sid = ${serviceSid} AND t.identity = i.identity`;
      differs = Prisma.sql`(t.friendly_name, t.date_created, t.date_updated) IS DISTINCT FROM (i.friendly_name, ${utc('date_created')}, ${utc('date_updated')})`;
      break;
    case 'bindings':
      join = Prisma.sql`bindings t ON t.sid = i.sid AND t.service_sid = ${serviceSid}`;
      differs = Prisma.sql`(t.endpoint, t.binding_type, t.credential_sid, t.message_types, t.date_created, t.date_updated)
        IS DISTINCT FROM (i.endpoint, i.binding_type,
          (SELECT c.sid FROM credentials c WHERE c.sid = i.credential_sid AND c.account_sid = ${accountSid}),
          coalesce(i.message_types, '{}'), ${utc('date_created')}, ${utc('date_updated')})`;
      break;
  }
  const [row] = await prisma.$queryRaw<{ inserted: number; updated: number }[]>`
    WITH ${inputCte(request, input)}
    SELECT count(*) FILTER (WHERE t.sid IS NULL)::int AS inserted,
           count(*) FILTER (WHERE t.sid IS NOT NULL AND ${differs})::int AS updated
    FROM i LEFT JOIN ${join}`;
  const inserted = row?.inserted ?? 0;
  const updated = row?.updated ?? 0;
  return { inserted, updated, unchanged: request.records.length - inserted - updated };
}

async function finish(prisma: PrismaClient, request: FinishRequest): Promise<FinishResult> {
  const { accountSid, runId, serviceSids } = request;
  if (request.dryRun) {
    if (!request.prune || serviceSids.length === 0) return { pruned: 0 };
    // Every source binding that exists here was counted as updated or unchanged exactly once.
    const [row] = await prisma.$queryRaw<{ total: number }[]>`
      SELECT coalesce(sum(count), 0)::int AS total FROM binding_counts WHERE service_sid = ANY(${serviceSids}::text[])`;
    return { pruned: Math.max(0, (row?.total ?? 0) - (request.matched ?? 0)) };
  }
  return prisma.$transaction(
    async (tx) => {
      let pruned = 0;
      if (request.prune && serviceSids.length > 0) {
        const [row] = await tx.$queryRaw<{ pruned: number }[]>`
          WITH gone AS (
            DELETE FROM bindings t
            WHERE t.account_sid = ${accountSid} AND t.service_sid = ANY(${serviceSids}::text[])
              AND NOT EXISTS (SELECT 1 FROM import_seen s WHERE s.run_id = ${runId} AND s.sid = t.sid)
            RETURNING t.*
          ), audit AS (
            INSERT INTO binding_deletions (sid, account_sid, credential_sid, front_door, request_id, binding_sid, service_sid, binding)
            SELECT 'DL' || replace(gen_random_uuid()::text, '-', ''), d.account_sid, ${request.actorSid}, 'import', ${runId}, d.sid, d.service_sid, to_jsonb(d)
            FROM gone d
          )
          SELECT count(*)::int AS pruned FROM gone`;
        pruned = row?.pruned ?? 0;
      }
      const ended = await tx.importRun.updateMany({ where: { accountSid, runId }, data: { finishedAt: new Date(), ownerPid: 0 } });
      if (ended.count === 0) throw new ImportConflictError(`the import run ${runId} of account ${accountSid} was taken over by another run`);
      await cleanUp(tx, accountSid, runId);
      return { pruned };
    },
    { timeout: PAGE_TIMEOUT_MS },
  );
}

/** Lets the next run resume at once (the owner stops without finishing). */
async function release(prisma: PrismaClient, request: { accountSid: string; runId: string }): Promise<void> {
  await prisma.importRun.updateMany({ where: { accountSid: request.accountSid, runId: request.runId, finishedAt: null }, data: { ownerPid: 0 } });
}
