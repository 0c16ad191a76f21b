import path from 'node:path';
// PGlite and its adapter are loaded only when the embedded database is opened
// (see openPglite): importing them costs over 100 MB of memory, wasted on Postgres.
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { ChannelHandler } from '../platform/admin-protocol.js';
import { type PoolStats, timeStatement } from '../platform/metrics.js';
import { traceStatement } from '../platform/tracing.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import { migrate } from './migrate.js';
import { type ListenOptions, listenPostgres, type NotificationHandlers, type StopListening } from './notifications.js';
import { sessionSetup } from './session-settings.js';
import { pgReader, prismaReader, type QueryEvent, type SqlReader } from './sql-reader.js';
import { pgliteSession, pgSession, type SqlSession } from './sql-session.js';
import { createStatementNames } from './statement-names.js';

export type { ListenOptions, NotificationHandlers, PoolStats, PrismaClient, QueryEvent, SqlReader, StopListening };

export interface DatabaseOptions {
  /** A Postgres URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Folder for the embedded database, or 'memory' for a throw-away one (tests). */
  dataDir?: string;
  /** Postgres schema to use instead of `public` (tests isolate themselves this way). */
  schema?: string;
  /** Called for every SQL statement Prisma sends. */
  onQuery?: (event: QueryEvent) => void;
  /**
   * statement_timeout of every session, in ms; 0 or absent leaves the server's
   * own setting. PGlite accepts the setting but cannot enforce it.
   */
  statementTimeoutMs?: number;
}

export interface Database {
  kind: 'postgres' | 'pglite';
  prisma: PrismaClient;
  /** The hot paths' read statements (see SqlReader). */
  reader: SqlReader;
  /** Runs `fn` with a dedicated session that can execute multi-statement scripts. */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * Subscribes to NOTIFY on `channel` (Postgres: on a dedicated connection,
   * re-established after losses; PGlite: in-process). Resolves after the first
   * attempt to listen; `handlers.onReset` tells whether it is listening, now
   * and after every loss. Notifications of another schema than this
   * database's are not passed on (`options.schemaOf` says how a payload names
   * its schema; by default it is the schema). `close()` stops every subscription.
   */
  listen(channel: string, handlers: NotificationHandlers, options?: ListenOptions): Promise<StopListening>;
  /** PostgreSQL only: the connection pool's state now (for the metrics). */
  poolStats?: () => PoolStats;
  /** Embedded database in a folder only: answers `npm run cli` commands on the folder's lock socket. */
  serveAdmin?: (handler: ChannelHandler) => void;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

/** Longest wait for a Postgres connection (a new one or a free pooled one). */
const CONNECT_TIMEOUT_MS = 5_000;
/** How much longer than statement_timeout a statement's answer may take before the connection counts as silent. */
const READ_TIMEOUT_MARGIN_MS = 2_000;

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.schema;
  const setup = sessionSetup(url, options.statementTimeoutMs);
  const pool = new pg.Pool({
    connectionString: url,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
    // SETs before the pool hands the connection out, not `-c` startup
    // options: PgBouncer and hosted poolers refuse unknown startup options.
    ...(setup ? { onConnect: async (client: pg.ClientBase) => void (await client.query(setup)) } : {}),
    // A database that stops answering must not hold requests: no connection
    // within this time fails the request (a 503, see src/db/unavailable.ts)
    // instead of waiting for one as long as the client does. It covers both
    // opening a connection and waiting for a free one in the pool.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // The server cancels a statement after statement_timeout; the read
    // timeout only fires when no answer comes at all (a server or network
    // gone silent on an open connection). Without a statement timeout there
    // is nothing to be "a bit above".
    ...(options.statementTimeoutMs ? { query_timeout: options.statementTimeoutMs + READ_TIMEOUT_MARGIN_MS } : {}),
    // Probes idle pooled connections, so that middleboxes keep them and dead peers are found.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the
  // requests that need the database then report the outage themselves.
  pool.on('error', () => {});
  // Named statements: parsed and (see session-settings.ts) planned once per connection, then only executed.
  const statementNameGenerator = createStatementNames() as (query: SqlQuery) => string;
  const prisma = createPrisma(new PrismaPg(pool, { ...(schema ? { schema } : {}), statementNameGenerator }), options);
  const withSession = async <T>(fn: (s: SqlSession) => Promise<T>) => {
    const client = await pool.connect();
    // Sessions run migrations, which lift statement_timeout (the lock wait,
    // long DDL): the pool's read timeout must not cut them short either.
    const params = (client as { connectionParameters?: { query_timeout?: unknown } }).connectionParameters;
    const readTimeout = params?.query_timeout;
    if (params) params.query_timeout = false;
    try {
      return await fn(pgSession(client));
    } finally {
      if (params) params.query_timeout = readTimeout;
      client.release();
    }
  };
  const subscriptions = new Subscriptions();
  return {
    kind: 'postgres',
    prisma,
    reader: pgReader(pool, options.onQuery),
    withSession,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 0 }),
    migrate: () => withSession((s) => migrate(s)),
    async listen(channel, handlers, listenOptions = {}) {
      const stop = await listenPostgres(
        {
          connectionString: url,
          options: schema ? `-c search_path=${quoteIdent(schema)}` : undefined,
          channel,
          applicationName: listenerApplicationName(schema),
          schemaOf: listenOptions.schemaOf,
          notifyElsewhere: async (ch, payload) => {
            await pool.query('SELECT pg_notify($1, $2)', [ch, payload]);
          },
        },
        handlers,
      );
      return subscriptions.add(stop);
    },
    async close() {
      await subscriptions.stopAll();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const dataDir = options.dataDir ?? './.data';
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  let lock: DataDirLock | undefined;
  let pglite: PGlite;
  if (dataDir === 'memory') {
    pglite = new PGlite();
  } else {
    lock = await lockDataDir(dataDir);
    pglite = new PGlite(path.join(dataDir, 'pgdata'));
  }
  try {
    await pglite.waitReady;
    if (options.statementTimeoutMs) await pglite.exec(`SET statement_timeout = ${options.statementTimeoutMs}`);
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const prisma = createPrisma(new PrismaPGlite(pglite), options);
  // PGlite is a single session: callers must not interleave this with Prisma work.
  const withSession = <T>(fn: (s: SqlSession) => Promise<T>) => fn(pgliteSession(pglite));
  // The advisory lock cannot serialise callers sharing this one session (it is
  // re-entrant there), so overlapping migrate() calls queue up here instead.
  let migrating: Promise<unknown> = Promise.resolve();
  const subscriptions = new Subscriptions();
  return {
    kind: 'pglite',
    prisma,
    reader: prismaReader(prisma),
    withSession,
    migrate: () => {
      const run = migrating.then(() => withSession((s) => migrate(s)));
      migrating = run.catch(() => {});
      return run;
    },
    // Every writer shares this one session, so every NOTIFY is heard, and
    // before the statement that caused it returns. Only one schema here.
    async listen(channel, handlers) {
      handlers.onReset(false);
      const unlisten = await pglite.listen(channel, (payload) => handlers.onNotify(payload));
      handlers.onReset(true);
      return subscriptions.add(async () => {
        handlers.onReset(false);
        await unlisten();
      });
    },
    ...(lock ? { serveAdmin: lock.serve } : {}),
    async close() {
      await subscriptions.stopAll();
      await prisma.$disconnect();
      await pglite.close();
      await lock?.release();
    },
  };
}

/** application_name of a Postgres database's listening connections (at most 63 bytes are kept). */
export function listenerApplicationName(schema: string | undefined): string {
  return schema ? `bindings-gateway listener ${schema}` : 'bindings-gateway listener';
}

/** A database's LISTEN subscriptions, all stopped by its close(). */
class Subscriptions {
  readonly #stops = new Set<StopListening>();
  #closed = false;

  /** Registers a subscription; the returned stop runs once and unregisters it. */
  add(stop: StopListening): StopListening {
    if (this.#closed) {
      // close() ran while this subscription was being set up: it must not outlive it.
      void stop();
      throw new Error('the database was closed');
    }
    let stopping: Promise<void> | undefined;
    const tracked: StopListening = () => {
      stopping ??= stop().finally(() => this.#stops.delete(tracked));
      return stopping;
    };
    this.#stops.add(tracked);
    return tracked;
  }

  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#stops].map((stop) => stop()));
  }
}

function createPrisma(factory: SqlDriverAdapterFactory, options: DatabaseOptions): PrismaClient {
  const adapter = timeStatements(factory);
  const onQuery = options.onQuery;
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (e) => onQuery({ query: e.query, params: e.params, duration: e.duration }));
  return prisma;
}

/**
 * Times every statement Prisma sends through the adapters `factory` connects
 * (for the metrics, while they are recorded: see timeStatement), and gives it
 * a span in a traced request (see traceStatement). Wrapping the
 * driver adapter costs less than Prisma's query log events, which build the
 * statement's text and parameters for each one, and covers PostgreSQL and
 * PGlite alike.
 */
function timeStatements(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = timeQueries(await connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => timeQueries(await startTransaction(isolationLevel));
    return adapter;
  };
  return factory;
}

function timeQueries<Q extends SqlQueryable>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  const executeRaw = queryable.executeRaw.bind(queryable);
  queryable.queryRaw = (query) => traceStatement(query.sql, () => timeStatement(query.sql, () => queryRaw(query)));
  queryable.executeRaw = (query) => traceStatement(query.sql, () => timeStatement(query.sql, () => executeRaw(query)));
  return queryable;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
