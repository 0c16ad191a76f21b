import { openConfiguredDatabase } from '../db/open-configured.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { runCli } from '../platform/run-cli.js';

// `npm run db:migrate`: applies pending migrations to the configured database.
runCli(async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openConfiguredDatabase(config);
  try {
    log.debug('database opened', { kind: db.kind });
    const applied = await db.migrate();
    if (applied.length === 0) {
      process.stdout.write('database is up to date\n');
    } else {
      for (const name of applied) process.stdout.write(`applied ${name}\n`);
    }
  } finally {
    await db.close();
  }
});
