import type { Config } from '../platform/config.js';
import { type Database, type DatabaseOptions, openDatabase } from './database.js';

/**
 * Opens the database the configuration names: Postgres when DATABASE_URL is
 * set, else PGlite in DATA_DIR; every session with DB_STATEMENT_TIMEOUT_MS.
 */
export function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> & { limits?: Pick<Config['limits'], 'statementTimeoutMs'> },
  options: Pick<DatabaseOptions, 'onQuery'> = {},
): Promise<Database> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.limits?.statementTimeoutMs,
    ...options,
  });
}
