/**
 * isDatabaseUnavailable on the errors the gateway really meets: produced by
 * really connecting (to a closed port, a server that resets or never answers,
 * and, with DATABASE_URL, the real Postgres), through node-postgres and
 * through Prisma with its pg adapter; then the failure log's lines.
 */
import net, { type AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.js';
import { isDatabaseUnavailable, unavailableReason } from '../src/db/unavailable.js';
import { BadInputError } from '../src/domain/errors.js';
import { createFailureLog } from '../src/platform/failure-log.js';
import { captureLogger } from './helpers/capture-logger.js';
import { TEST_DATABASE_URL } from './helpers/db.js';

/** The rejection of `work`, which must fail. */
async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server on 127.0.0.1 that treats each connection with `onConnection`. */
async function fakeServer(onConnection: (socket: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/test`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function pgClient(url: string, config: pg.ClientConfig = {}): pg.Client {
  const client = new pg.Client({ connectionString: url, ...config });
  client.on('error', () => {});
  return client;
}

describe('node-postgres errors', () => {
  it('a closed port: ECONNREFUSED', async () => {
    const err = await failure(pgClient(`postgresql://postgres@127.0.0.1:${await closedPort()}/test`).connect());
    expect((err as { code?: string }).code).toBe('ECONNREFUSED');
    expect(unavailableReason(err)).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a server that resets the connection: "Connection terminated unexpectedly"', async () => {
    const server = await fakeServer((socket) => socket.destroy());
    try {
      const err = await failure(pgClient(server.url).connect());
      expect((err as Error).message).toBe('Connection terminated unexpectedly');
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a server that never answers: the connect timeout, and the pool timeout of a request waiting for a connection', async () => {
    const server = await fakeServer(() => {});
    try {
      const direct = await failure(pgClient(server.url, { connectionTimeoutMillis: 200 }).connect());
      expect((direct as Error).message).toBe('timeout expired');
      expect(isDatabaseUnavailable(direct)).toBe(true);

      const pool = new pg.Pool({ connectionString: server.url, max: 1, connectionTimeoutMillis: 300 });
      pool.on('error', () => {});
      try {
        const first = failure(pool.query('SELECT 1'));
        const waiting = await failure(pool.query('SELECT 1'));
        expect(isDatabaseUnavailable(await first)).toBe(true);
        expect((waiting as Error).message).toMatch(/timeout exceeded when trying to connect|Connection terminated due to connection timeout/);
        expect(isDatabaseUnavailable(waiting)).toBe(true);
      } finally {
        await pool.end();
      }
    } finally {
      await server.close();
    }
  });
});

describe('Prisma errors (pg adapter)', () => {
  let db: Database | undefined;
  afterAll(async () => {
    await db?.close();
  });

  it('a closed port: P1001 for model queries, P2010 with the adapter error for raw ones', async () => {
    db = await openDatabase({ databaseUrl: `postgresql://postgres@127.0.0.1:${await closedPort()}/test` });
    const model = await failure(db.prisma.account.findFirst());
    expect((model as { code?: string }).code).toBe('P1001');
    expect(unavailableReason(model)).toEqual({ code: 'DatabaseNotReachable', message: expect.stringMatching(/^database not reachable at 127\.0\.0\.1:\d+$/) });
    const raw = await failure(db.prisma.$queryRaw`SELECT 1`);
    expect((raw as { code?: string }).code).toBe('P2010');
    expect(isDatabaseUnavailable(raw)).toBe(true);
  });

  it('a server that resets, and one that never answers (within the connect timeout)', async () => {
    const reset = await fakeServer((socket) => socket.destroy());
    const silent = await fakeServer(() => {});
    const dbs = [await openDatabase({ databaseUrl: reset.url }), await openDatabase({ databaseUrl: silent.url })];
    try {
      const resetErr = await failure(dbs[0]!.prisma.account.findFirst());
      expect(unavailableReason(resetErr)?.message).toMatch(/^Connection terminated/);
      const started = performance.now();
      const silentErr = await failure(dbs[1]!.prisma.account.findFirst());
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(unavailableReason(silentErr)?.message).toBe('Connection terminated due to connection timeout');
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await Promise.all([reset.close(), silent.close()]);
    }
  }, 20_000);
});

describe.skipIf(!TEST_DATABASE_URL)('errors of the real Postgres', () => {
  let db: Database;
  let killer: pg.Client;
  const applicationName = `unavailable-test-${process.pid}`;

  beforeAll(async () => {
    const url = new URL(TEST_DATABASE_URL!);
    url.searchParams.set('application_name', applicationName);
    db = await openDatabase({ databaseUrl: url.href });
    killer = pgClient(TEST_DATABASE_URL!);
    await killer.connect();
  });
  afterAll(async () => {
    await killer?.end();
    await db?.close();
  });

  const terminateSoon = () =>
    new Promise<void>((resolve) =>
      setTimeout(async () => {
        await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
        resolve();
      }, 300),
    );

  it('a backend terminated by an administrator during a statement: 57P01 under Prisma and node-postgres', async () => {
    const [err] = await Promise.all([failure(db.prisma.$queryRaw`SELECT pg_sleep(5)`), terminateSoon()]);
    expect(unavailableReason(err)).toEqual({ code: '57P01', message: 'terminating connection due to administrator command' });

    const client = pgClient(TEST_DATABASE_URL!, { application_name: applicationName });
    await client.connect();
    const [pgErr] = await Promise.all([failure(client.query('SELECT pg_sleep(5)')), terminateSoon()]);
    expect((pgErr as { code?: string }).code).toBe('57P01');
    expect(isDatabaseUnavailable(pgErr)).toBe(true);
    // The connection is gone for good.
    const next = [await failure(client.query('SELECT 1')), await failure(client.query('SELECT 1'))];
    expect(next.map((e) => (e as Error).message)).toEqual([
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
    ]);
    for (const e of next) expect(isDatabaseUnavailable(e)).toBe(true);
  });

  it('no outage: a statement timeout, a missing table, a division by zero, a syntax error', async () => {
    const errors = [
      await failure(
        db.prisma.$transaction(async (tx) => {
          await tx.$executeRaw`SET LOCAL statement_timeout = 50`;
          await tx.$queryRaw`SELECT pg_sleep(1)`;
        }),
      ),
      await failure(db.prisma.$queryRaw`SELECT * FROM no_such_table_here`),
      await failure(db.prisma.$queryRaw`SELECT 1 FROM (VALUES (1)) v(x) GROUP BY x HAVING (SELECT 1/0) = 1`),
      await failure(db.prisma.$executeRawUnsafe('SELEC 1')),
    ];
    for (const err of errors) expect(unavailableReason(err)).toBeUndefined();
  });
});

describe('other wrappings and codes', () => {
  it.each<[string, unknown]>([
    ['SQLSTATE 08006 connection_failure', Object.assign(new Error('connection failure'), { code: '08006', severity: 'FATAL' })],
    ['SQLSTATE 57P03 cannot_connect_now', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['SQLSTATE 57P02 crash_shutdown', Object.assign(new Error('terminating connection because of crash of another server process'), { code: '57P02' })],
    ['SQLSTATE 53300 too_many_connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['EHOSTUNREACH', Object.assign(new Error('connect EHOSTUNREACH 10.0.0.1:5432'), { code: 'EHOSTUNREACH', syscall: 'connect', errno: -113 })],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    [
      'Prisma initialization error P1001',
      Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientInitializationError', errorCode: 'P1001' }),
    ],
    [
      'Prisma P2024 pool timeout',
      Object.assign(new Error('\nInvalid call:\n\nTimed out fetching a new connection from the connection pool.'), { code: 'P2024' }),
    ],
    ['adapter TooManyConnections', { name: 'DriverAdapterError', cause: { kind: 'TooManyConnections', cause: 'sorry, too many clients already' } }],
    [
      'a cause chain',
      new Error('credential check failed', {
        cause: new Error('outer', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
      }),
    ],
    ['a GraphQL error around it', new GraphQLError('Unexpected', { originalError: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })],
  ])('%s is an outage', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain error', new Error('boom')],
    ['a type error', new TypeError("Cannot read properties of undefined (reading 'sid')")],
    ['a domain error', new BadInputError('Connection terminated, says the input')],
    ['a statement timeout (57014)', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: 'P2002' })],
    ['a message quoting an outage further in', new Error('bad input: "Connection terminated unexpectedly"')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
    [
      'a cycle',
      (() => {
        const a = new Error('a');
        const b = new Error('b', { cause: a });
        (a as { cause?: unknown }).cause = b;
        return a;
      })(),
    ],
  ])('%s is no outage', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('the failure log', () => {
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', stack: 'Error: …\n    at frame (file.ts:1:1)' });

  it('logs the first failure with its reason, counts the others into one line per interval, and the recovery once', () => {
    const logger = captureLogger();
    let clock = 0;
    const failures = createFailureLog(logger, { now: () => clock });
    failures.available(); // nothing to recover from: no line
    expect(failures.failing).toBe(false);
    failures.unavailable(refused(), { requestId: 'r1', door: 'rest' });
    expect(failures.failing).toBe(true);
    for (let i = 0; i < 100; i++) {
      clock += 50; // 5 s of failures
      failures.unavailable(refused(), { requestId: `r${i + 2}` });
    }
    expect(logger.entries).toEqual([
      {
        level: 'error',
        msg: 'database unavailable',
        fields: { requestId: 'r1', door: 'rest', reason: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' },
      },
    ]);
    for (let i = 0; i < 120; i++) {
      clock += 50; // past 10 s since the first line
      failures.unavailable(refused());
    }
    expect(logger.entries.slice(1)).toEqual([
      { level: 'warn', msg: 'database unavailable: 200 more failures in the last 10 s', fields: { failures: 200, seconds: 10 } },
    ]);
    // Another reason in the same outage: logged once.
    failures.unavailable(new Error('Connection terminated due to connection timeout'));
    failures.unavailable(new Error('Connection terminated due to connection timeout'));
    expect(logger.entries.slice(2).map((e) => [e.level, e.msg, e.fields.reason])).toEqual([
      ['warn', 'database unavailable, for another reason', 'Connection terminated due to connection timeout'],
    ]);
    clock += 1_000;
    failures.available();
    failures.available();
    expect(failures.failing).toBe(false);
    expect(logger.entries.slice(3)).toEqual([
      { level: 'info', msg: 'database available again after 12 s, 223 failures', fields: { seconds: 12, failures: 223 } },
    ]);
    // No stack anywhere.
    expect(JSON.stringify(logger.entries)).not.toMatch(/file\.ts|stack/);
    // A new outage starts over with an error line.
    failures.unavailable(refused());
    expect(logger.entries.at(-1)?.level).toBe('error');
  });
});
