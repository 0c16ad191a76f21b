import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, register } from 'prom-client';
import type { PrismaClient } from '../generated/prisma/client.js';
import { STALE_AFTER_MS } from '../import/store.js';

/**
 * The gateway's metrics, in prom-client's global default registry (`register`)
 * so that a node:cluster primary can aggregate its workers with prom-client's
 * AggregatorRegistry. `/metrics` shows them in Prometheus' text format to
 * `Authorization: Bearer <METRICS_TOKEN>` only (see metricsResponse).
 *
 * Nothing is recorded until enableMetrics() (createApp calls it when it has a
 * metrics token): with metrics off, each recording function returns after one
 * boolean test. On the hot path a request costs one histogram observation
 * (the request counter is read from the histogram's counts when scraped), a
 * SQL statement one, a credential check a number increment; gauges that
 * describe state (readiness, the connection pool, running imports) are read
 * when scraped.
 *
 * The registry is process-wide, and a process may hold several apps (tests
 * do): metrics are created once per process (get-or-create; those whose
 * collect() reads this module's state are recreated with it), the per-request
 * ones are shared by every app, and the state read at scrape time comes from
 * the apps' MetricsSources: readiness and running imports from the most
 * recently created app still open, the pool gauges summed over the distinct
 * pools.
 */

/** Front door names in the `door` label: `other` is everything outside both doors (`/metrics`, `/livez`, 404s). */
export type DoorName = 'graphql' | 'rest' | 'other';

/** `operation` label when a request has no parsed GraphQL operation (REST, refusals, unparsable documents). */
export const NO_OPERATION = '-';
/** GraphQL operation names counted under their own name; later new names count as OTHER_OPERATION. */
export const MAX_OPERATION_NAMES = 200;
export const OTHER_OPERATION = 'other';
const MAX_OPERATION_NAME_LENGTH = 100;

/** Request latency: most requests take a few milliseconds. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** SQL statement latency, as the driver adapter sees it (network round trip included). */
const STATEMENT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5];
/** How long a scrape waits for the running imports' query before leaving those gauges out. */
const IMPORT_QUERY_TIMEOUT_MS = 1_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATEMENT_KINDS = ['select', 'insert', 'update', 'delete', 'with', 'begin', 'commit', 'rollback', 'set'];

/** A metric of the registry with this name, or a new one (metrics survive another app in the same process). */
function getOrCreate<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

const requestSeconds = getOrCreate(
  'gateway_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time from receiving a request to its answer (body not yet sent), by front door, GraphQL operation name, method and status.',
      labelNames: ['door', 'operation', 'method', 'status'] as const,
      buckets: REQUEST_BUCKETS,
    }),
);
const rateLimited = getOrCreate(
  'gateway_rate_limited_total',
  () => new Counter({ name: 'gateway_rate_limited_total', help: 'Requests refused by the rate limit (429), by front door.', labelNames: ['door'] as const }),
);
const unavailable = getOrCreate(
  'gateway_db_unavailable_responses_total',
  () =>
    new Counter({
      name: 'gateway_db_unavailable_responses_total',
      help: 'Answers 503 of the front doors (the database or another dependency could not serve), by front door.',
      labelNames: ['door'] as const,
    }),
);
const statementSeconds = getOrCreate(
  'gateway_db_statement_duration_seconds',
  () =>
    new Histogram({
      name: 'gateway_db_statement_duration_seconds',
      help: "SQL statements sent by Prisma and their latency, by the statement's first keyword.",
      labelNames: ['kind'] as const,
      buckets: STATEMENT_BUCKETS,
    }),
);
const statementErrors = getOrCreate(
  'gateway_db_statement_errors_total',
  () =>
    new Counter({
      name: 'gateway_db_statement_errors_total',
      help: "SQL statements sent by Prisma that failed, by the statement's first keyword.",
      labelNames: ['kind'] as const,
    }),
);

const pruneDeleted = getOrCreate(
  'gateway_prune_deleted_bindings_total',
  () => new Counter({ name: 'gateway_prune_deleted_bindings_total', help: 'Bindings deleted by prune jobs run in this process.' }),
);
const pruneBatches = getOrCreate(
  'gateway_prune_batches_total',
  () =>
    new Counter({
      name: 'gateway_prune_batches_total',
      help: 'Prune job batches run in this process, by result (ok, failed: retried, after 3 in a row the job fails).',
      labelNames: ['result'] as const,
    }),
);
const pruneJobsEnded = getOrCreate(
  'gateway_prune_jobs_ended_total',
  () =>
    new Counter({
      name: 'gateway_prune_jobs_ended_total',
      help: 'Prune jobs run to their end in this process, by final status (done, failed); cancelled jobs are not counted.',
      labelNames: ['status'] as const,
    }),
);

/**
 * Metrics whose collect() reads this module's state are recreated when this
 * module is loaded again, so that they read the new module's state.
 */
function replace<M extends Metric>(name: string, create: () => M): M {
  register.removeSingleMetric(name);
  return create();
}

// Counted where it costs least, and handed to prom-client when scraped: the
// request path does one prom-client call (the histogram), the credential
// check none.

replace(
  'gateway_http_requests_total',
  () =>
    new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by front door, GraphQL operation name, method and status.',
      labelNames: ['door', 'operation', 'method', 'status'] as const,
      // The latency histogram's counts, which count the same requests.
      async collect() {
        this.reset();
        for (const value of (await requestSeconds.get()).values) {
          if (value.metricName === 'gateway_http_request_duration_seconds_count') this.inc(value.labels, value.value);
        }
      },
    }),
);

const cacheLookups = { hit: 0, miss: 0, off: 0 };
replace(
  'gateway_credential_cache_lookups_total',
  () =>
    new Counter({
      name: 'gateway_credential_cache_lookups_total',
      help: 'Credential checks by the credential cache: hit (no SQL), miss (checked in the database), off (cache not in use: not listening for changes).',
      labelNames: ['result'] as const,
      collect() {
        this.reset();
        for (const result of ['hit', 'miss', 'off'] as const) this.inc({ result }, cacheLookups[result]);
      },
    }),
);

// ---------------------------------------------------------------------------
// State read at scrape time: each app registers what it can tell.

export interface PoolStats {
  /** Connections open (in use or idle). */
  total: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
  max: number;
}

export interface ImportProgress {
  accountSid: string;
  pages: number;
  records: number;
}

/** What an app tells the scrape. */
export interface MetricsSource {
  /** Whether the app is ready to serve (what `/readyz` answers). */
  ready(): Promise<boolean>;
  /** The database's connection pool, where there is one (PostgreSQL). */
  poolStats?: (() => PoolStats) | undefined;
  /** Imports running now (see runningImports). */
  runningImports?: (() => Promise<ImportProgress[]>) | undefined;
}

/** Registered sources, in registration order (the last one is the latest app). */
const sources = new Set<MetricsSource>();

function latestSource(): MetricsSource | undefined {
  let latest: MetricsSource | undefined;
  for (const source of sources) latest = source;
  return latest;
}

function replaceGauge<L extends string>(config: ConstructorParameters<typeof Gauge<L>>[0]): Gauge<L> {
  return replace(config.name, () => new Gauge(config));
}

replaceGauge({
  name: 'gateway_ready',
  help: 'Whether the gateway is ready to serve (1) or not (0: the database does not answer, or shutting down), as /readyz answers.',
  // A cluster is as ready as its least ready worker.
  aggregator: 'min',
  async collect() {
    const source = latestSource();
    this.set(source && (await source.ready().catch(() => false)) ? 1 : 0);
  },
});

const importLabels = ['account'] as const;
replaceGauge({
  name: 'gateway_import_pages_written',
  help: 'Pages written so far by each running import (npm run cli -- import:…), by account SID.',
  labelNames: importLabels,
  // Every worker reads the same database.
  aggregator: 'max',
  async collect() {
    this.reset();
    for (const run of await importsForScrape()) this.set({ account: run.accountSid }, run.pages);
  },
});
replaceGauge({
  name: 'gateway_import_records_written',
  help: 'Records (rows) written so far by each running import, by account SID.',
  labelNames: importLabels,
  aggregator: 'max',
  async collect() {
    this.reset();
    for (const run of await importsForScrape()) this.set({ account: run.accountSid }, run.records);
  },
});

/** The running imports' query while it runs: both import gauges of one scrape share it. */
let importsInFlight: Promise<ImportProgress[]> | undefined;
/** The running imports; none when the query fails or does not answer within IMPORT_QUERY_TIMEOUT_MS. */
function importsForScrape(): Promise<ImportProgress[]> {
  if (importsInFlight) return importsInFlight;
  const query = latestSource()?.runningImports;
  if (!query) return Promise.resolve([]);
  const runs = withTimeout(query(), IMPORT_QUERY_TIMEOUT_MS).catch((): ImportProgress[] => []);
  importsInFlight = runs;
  void runs.finally(() => {
    if (importsInFlight === runs) importsInFlight = undefined;
  });
  return runs;
}

/** Pool gauges exist only once a source has a pool (PGlite has none). */
let poolGauges = false;
function ensurePoolGauges(): void {
  if (poolGauges) return;
  poolGauges = true;
  replaceGauge({
    name: 'gateway_db_pool_connections',
    help: 'Connections of the PostgreSQL pool, by state (in_use, idle).',
    labelNames: ['state'] as const,
    collect() {
      const stats = poolTotals();
      this.set({ state: 'in_use' }, stats.total - stats.idle);
      this.set({ state: 'idle' }, stats.idle);
    },
  });
  replaceGauge({
    name: 'gateway_db_pool_waiting_requests',
    help: 'Requests waiting for a connection of the PostgreSQL pool.',
    collect() {
      this.set(poolTotals().waiting);
    },
  });
  replaceGauge({
    name: 'gateway_db_pool_max_connections',
    help: 'Size limit of the PostgreSQL pool.',
    collect() {
      this.set(poolTotals().max);
    },
  });
}

function poolTotals(): PoolStats {
  const totals: PoolStats = { total: 0, idle: 0, waiting: 0, max: 0 };
  // Apps over the same database share its pool: count each pool once.
  const pools = new Set<() => PoolStats>();
  for (const source of sources) if (source.poolStats) pools.add(source.poolStats);
  for (const read of pools) {
    const stats = read();
    totals.total += stats.total;
    totals.idle += stats.idle;
    totals.waiting += stats.waiting;
    totals.max += stats.max;
  }
  return totals;
}

/** Lets the scrape read `source`'s state until the returned function is called (the app closes). */
export function addMetricsSource(source: MetricsSource): () => void {
  sources.add(source);
  if (source.poolStats) ensurePoolGauges();
  return () => {
    sources.delete(source);
  };
}

// ---------------------------------------------------------------------------
// Recording

let enabled = false;

/**
 * Starts recording (idempotent), with prom-client's default process metrics
 * (`process_*`, `nodejs_*`, not prefixed, as every Node.js exporter names
 * them). `false` stops recording again (for measurements).
 */
export function enableMetrics(on = true): void {
  enabled = on;
  if (on && !register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
}

export function metricsEnabled(): boolean {
  return enabled;
}

/** One answered request; `operation` is the GraphQL operation's label (see operationLabel) or NO_OPERATION. */
export function recordRequest(door: DoorName, operation: string, method: string, status: number, seconds: number): void {
  if (!enabled) return;
  requestSeconds.observe({ door, operation, method: METHODS.has(method) ? method : 'other', status: String(status) }, seconds);
  if (status === 503 && door !== 'other') unavailable.inc({ door });
}

export function recordRateLimited(door: DoorName): void {
  if (enabled) rateLimited.inc({ door });
}

/** One prune batch: the rows it deleted, or null when it failed. */
export function recordPruneBatch(deleted: number | null): void {
  if (!enabled) return;
  pruneBatches.inc({ result: deleted === null ? 'failed' : 'ok' });
  if (deleted) pruneDeleted.inc(deleted);
}

export function recordPruneJobEnded(status: 'done' | 'failed'): void {
  if (enabled) pruneJobsEnded.inc({ status });
}

export function recordCredentialLookup(result: 'hit' | 'miss' | 'off'): void {
  if (enabled) cacheLookups[result]++;
}

/** Times `run` (one SQL statement) under the kind of `sql`, when recording; else just runs it. */
export function timeStatement<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const started = performance.now();
  const kind = statementKind(sql);
  return run().then(
    (result) => {
      statementSeconds.observe({ kind }, (performance.now() - started) / 1000);
      return result;
    },
    (err: unknown) => {
      statementSeconds.observe({ kind }, (performance.now() - started) / 1000);
      statementErrors.inc({ kind });
      throw err;
    },
  );
}

/** The statement's first keyword in lower case, when it is one of STATEMENT_KINDS; else `other` (compared in place: no regular expression, no copy). */
export function statementKind(sql: string): string {
  let start = 0;
  while (start < sql.length && sql.charCodeAt(start) <= 32) start++;
  for (const kind of STATEMENT_KINDS) if (startsWithWord(sql, start, kind)) return kind;
  return 'other';
}

/** Whether `sql` has the lower-case `word` at `at`, in any case, not followed by a letter. */
function startsWithWord(sql: string, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((sql.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  const next = sql.charCodeAt(at + word.length) | 0x20; // past the end: NaN | 0x20 is 0x20
  return next < 0x61 || next > 0x7a;
}

const operationNames = new Set<string>();

/**
 * The `operation` label of a parsed GraphQL operation: its name while fewer
 * than MAX_OPERATION_NAMES distinct names were seen (clients choose names, so
 * the label's values must stay bounded), `anonymous` without a name.
 */
export function operationLabel(name: string | undefined): string {
  if (name === undefined) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES || name.length > MAX_OPERATION_NAME_LENGTH) return OTHER_OPERATION;
  operationNames.add(name);
  return name;
}

// ---------------------------------------------------------------------------
// /metrics

export const METRICS_PATH = '/metrics';

/**
 * Answers `/metrics`: 404 while no token is configured (metrics off), 401
 * unless `Authorization: Bearer <token>` (compared in constant time; tenants'
 * Basic credentials never open it), 405 for other methods than GET and HEAD,
 * else the registry in Prometheus' text format.
 */
export async function metricsResponse(request: Request, token: string | undefined): Promise<Response> {
  if (token === undefined) return Response.json({ error: 'metrics are off: set METRICS_TOKEN' }, { status: 404 });
  if (!bearerMatches(request.headers.get('authorization'), token)) {
    return Response.json(
      { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' },
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"' } },
    );
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return Response.json({ error: 'method not allowed' }, { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const body = await register.metrics();
  return new Response(request.method === 'HEAD' ? null : body, { headers: { 'content-type': register.contentType } });
}

function bearerMatches(header: string | null, token: string): boolean {
  const match = header ? /^Bearer +(\S+) *$/i.exec(header) : null;
  if (!match) return false;
  // Digests have the same length whatever was sent: timingSafeEqual never sees different lengths.
  return timingSafeEqual(digest(match[1]!), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// ---------------------------------------------------------------------------
// Running imports

/**
 * Pages and records written so far by each import that is running: not
 * finished, its owner not released, and its heartbeat younger than
 * STALE_AFTER_MS (a killed import's row stays until the next run takes it over).
 */
export async function runningImports(prisma: PrismaClient): Promise<ImportProgress[]> {
  const rows = await prisma.$queryRaw<Array<{ account_sid: string; pages: number; records: number }>>`
    SELECT r.account_sid, COALESCE(SUM(c.pages), 0)::float8 AS pages, COALESCE(SUM(c.records), 0)::float8 AS records
    FROM import_runs r LEFT JOIN import_checkpoints c ON c.account_sid = r.account_sid
    WHERE r.finished_at IS NULL AND r.owner_pid <> 0 AND r.heartbeat_at > now() - make_interval(secs => ${STALE_AFTER_MS / 1000})
    GROUP BY r.account_sid`;
  return rows.map((row) => ({ accountSid: row.account_sid, pages: Number(row.pages), records: Number(row.records) }));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
