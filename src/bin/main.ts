import type { Server } from 'node:http';
import { serveAdminChannel } from '../admin/channel.js';
import { createApp } from '../app.js';
import { type SeedSummary, seedDemoData } from '../db/demo/seed.js';
import { openConfiguredDatabase } from '../db/open-configured.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { boundHeapGrowth } from '../platform/heap.js';
import { createLogger } from '../platform/logger.js';
import { runCli } from '../platform/run-cli.js';
import { createHttpServer } from '../server.js';

// `npm start`: migrate, seed an empty embedded database with demo data, serve
// both front doors until SIGINT/SIGTERM.
boundHeapGrowth();
runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openConfiguredDatabase(config);
  try {
    const applied = await db.migrate();
    if (applied.length > 0) logger.info('migrations applied', { applied });
    let demo: SeedSummary | undefined;
    if (db.kind === 'pglite' && (await db.prisma.account.count()) === 0) {
      demo = await seedDemoData(db.prisma, { logger });
    }
    const app = await createApp(db, logger, { publicUrl: config.publicUrl, limits: config.limits, rateLimit: config.rateLimit });
    // `npm run cli` reaches the embedded database through this process from now on.
    serveAdminChannel(db, logger);
    const server = createHttpServer(app, logger);
    await listen(server, config.port, config.host);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    process.stdout.write(banner(origin, db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)', demo));

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info('shutting down', { signal });
        server.close(() => void app.close().then(resolve, resolve));
        server.closeIdleConnections();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  } finally {
    await db.close();
  }
});

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

function banner(origin: string, database: string, demo: SeedSummary | undefined): string {
  const lines = ['', `Bindings gateway on ${database}`, `  GraphiQL   ${origin}/graphql`, ''];
  const first = demo?.accounts[0];
  if (first?.authToken) {
    const basic = Buffer.from(`${first.sid}:${first.authToken}`).toString('base64');
    lines.push(
      'Demo data created. Credentials of the first account (shown once; only a hash is stored):',
      `  AccountSid ${first.sid}`,
      `  AuthToken  ${first.authToken}`,
      '  In GraphiQL, open "Headers" and paste:',
      `  {"Authorization": "Basic ${basic}"}`,
      `  curl: curl -u ${first.sid}:${first.authToken} ${origin}/graphql -H 'content-type: application/json' -d '{"query":"{ account { sid } }"}'`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
