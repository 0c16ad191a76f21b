import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { serveAdminChannel } from '../admin/channel.js';
import { type App, createApp } from '../app.js';
import { type SeedSummary, seedDemoData } from '../db/demo/seed.js';
import { openConfiguredDatabase } from '../db/open-configured.js';
import { migrateWhenReachable } from '../db/wait-for-database.js';
import { startPruneRunner } from '../jobs/prune.js';
import { type Config, ConfigError, loadConfig } from '../platform/config.js';
import { boundHeapGrowth } from '../platform/heap.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { runCli } from '../platform/run-cli.js';
import { startTracing } from '../platform/tracing.js';
import { runWorkers, SHUTDOWN_MESSAGE, workerIndex } from '../platform/workers.js';
import { closeGracefully, createHttpServer } from '../server.js';

// `npm start`: listen, migrate (waiting for the database), seed an empty
// embedded database with demo data, serve both front doors until
// SIGINT/SIGTERM, then shut down gracefully. WORKERS=N: the primary migrates,
// then N worker processes each do the same on one shared port.
boundHeapGrowth();
runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, cluster.isWorker ? { worker: workerIndex() } : {});
  try {
    if (config.workers > 1 && cluster.isPrimary) return await superviseWorkers(config, logger);
    const code = await serveGateway(config, logger);
    // The channel to the primary would keep a worker alive.
    if (cluster.isWorker) process.disconnect?.();
    return code;
  } catch (err) {
    logger.error('gateway stopped on a fatal error', { reason: err instanceof Error ? err.message : String(err) });
    throw err;
  }
});

async function superviseWorkers(config: Config, logger: Logger): Promise<number> {
  const db = await openConfiguredDatabase(config);
  try {
    const applied = await migrateWhenReachable(db, logger, { databaseUrl: config.databaseUrl, timeoutSeconds: config.dbConnectTimeoutSeconds });
    if (applied.length > 0) logger.info('migrations applied', { applied });
  } finally {
    await db.close();
  }
  if (!config.rateLimit.redisUrl && config.rateLimit.requests > 0) {
    logger.warn('WORKERS without REDIS_URL: each worker counts rate limits on its own, so a credential may make WORKERS times as many requests');
  }
  return runWorkers(config.workers, logger);
}

async function serveGateway(config: Config, logger: Logger): Promise<number> {
  const stop = stopSignal(logger);
  // Listening comes first: a taken port fails before anything is written, and
  // until the app is ready every request gets a 503 (readiness says starting).
  let app: App | undefined;
  const server = createHttpServer({ fetch: async (request) => (app ? app.fetch(request) : answerWhileStarting(request)) }, logger);
  await listen(server, config.port, config.host);
  const origin = originOf(server, config);
  try {
    const db = await openConfiguredDatabase(config);
    try {
      const applied = await migrateWhenReachable(db, logger, {
        databaseUrl: config.databaseUrl,
        timeoutSeconds: config.dbConnectTimeoutSeconds,
        signal: stop.signal,
      });
      if (applied.length > 0) logger.info('migrations applied', { applied });
      if (stop.signal.aborted) return 0;
      let demo: SeedSummary | undefined;
      if (db.kind === 'pglite' && (await db.prisma.account.count()) === 0) {
        demo = await seedDemoData(db.prisma, { logger });
        // Printed at once: the secrets exist nowhere else.
        process.stdout.write(demoCredentials(origin, demo));
      }
      const stopTracing = config.tracing ? startTracing({ serviceName: config.tracing.serviceName }) : async () => {};
      if (config.tracing) logger.info('tracing on', { endpoint: config.tracing.endpoint });
      app = await createApp(db, logger, {
        publicUrl: config.publicUrl,
        limits: config.limits,
        rateLimit: config.rateLimit,
        metricsToken: config.metricsToken,
        graphqlExecutor: config.graphqlExecutor,
      });
      // `npm run cli` reaches the embedded database through this process from now on.
      serveAdminChannel(db, logger);
      // Prune jobs (pruneBindings, bindings:prune), including those a previous run left running.
      const pruneRunner = startPruneRunner(db.prisma, logger);
      if (workerIndex() === 1) {
        const database = db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
        process.stdout.write(banner(origin, config.workers > 1 ? `${database}, ${config.workers} workers` : database, demo));
      }
      logger.info('ready', { origin });

      await stop.stopped;
      app.beginShutdown();
      // The runner stops at a batch boundary; its job stays running and is resumed at the next start.
      const [drained] = await Promise.all([closeGracefully(server, config.shutdownTimeoutSeconds * 1000), pruneRunner.stop()]);
      await app.close();
      // Spans still batched are sent before the exit.
      await stopTracing().catch((err: unknown) => logger.warn('traces not flushed', { reason: err instanceof Error ? err.message : String(err) }));
      logger.info('stopped', { drained });
      return drained ? 0 : 1;
    } finally {
      await db.close();
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * Resolves on the first SIGINT/SIGTERM, or the primary's shutdown message
 * under WORKERS=N (the signal aborts too, for waits during start); a second
 * signal exits at once.
 */
function stopSignal(logger: Logger): { stopped: Promise<void>; signal: AbortSignal } {
  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) => {
    const begin = (signal: string) => {
      if (controller.signal.aborted) return;
      logger.info('shutting down', { signal });
      controller.abort();
      resolve();
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) {
        logger.warn('second signal: closing every connection now', { signal });
        process.exit(1);
      }
      begin(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // A terminal's Ctrl+C reaches the workers too: the primary's message then changes nothing.
    process.on('message', (message) => message === SHUTDOWN_MESSAGE && begin('primary'));
  });
  return { stopped, signal: controller.signal };
}

function answerWhileStarting(request: Request): Response {
  const { pathname } = new URL(request.url);
  if (pathname === '/livez' || pathname === '/health') return Response.json({ status: 'ok' });
  return Response.json({ status: 'unavailable', reason: 'starting' }, { status: 503, headers: { 'retry-after': '1', connection: 'close' } });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
          ? new ConfigError(`cannot listen on HOST ${host} PORT ${port}: ${err.code}`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

function originOf(server: Server, config: Config): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
}

function demoCredentials(origin: string, demo: SeedSummary): string {
  const first = demo.accounts[0];
  if (!first?.authToken) return '';
  const basic = Buffer.from(`${first.sid}:${first.authToken}`).toString('base64');
  const lines = [
    '',
    'Demo data created. Credentials of the first account (shown once; only a hash is stored):',
    `  AccountSid ${first.sid}`,
    `  AuthToken  ${first.authToken}`,
  ];
  for (const key of first.apiKeys) lines.push(`  API key    ${key.sid}  secret ${key.secret}`);
  lines.push(
    '  In GraphiQL, open "Headers" and paste:',
    `  {"Authorization": "Basic ${basic}"}`,
    `  curl: curl -u ${first.sid}:${first.authToken} ${origin}/graphql -H 'content-type: application/json' -d '{"query":"{ account { sid } }"}'`,
    '',
  );
  return `${lines.join('\n')}\n`;
}

function banner(origin: string, database: string, demo: SeedSummary | undefined): string {
  const lines = ['', `Bindings gateway on ${database}`, `  GraphiQL   ${origin}/graphql`, `  Readiness  ${origin}/readyz`, ''];
  if (!demo && database.startsWith('embedded')) {
    lines.push(
      'Demo data is already there; its tokens were shown when it was created. For a new one:',
      '  npm run cli -- account:list',
      '  npm run cli -- account:rotate-token AC…   (the old token stops working)',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
