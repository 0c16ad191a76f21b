import type { Config } from '../platform/config.js';
import { ConfigError } from '../platform/config.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { type Database, type DatabaseOptions, openDatabase } from './database.js';
import { MigrationError } from './migrate.js';

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

/** Errors whose message is the whole story for the operator: no stack trace. */
export function isOperatorError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof MigrationError;
}

/**
 * Runs a command-line entry point: on failure prints `error: <message>` to
 * stderr (plus the stack for unexpected errors when LOG_LEVEL=debug) and exits
 * with status 1; on success exits with the status `main` returns (default 0).
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => finish(code ?? 0),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      if (!isOperatorError(err) && err instanceof Error && process.env.LOG_LEVEL?.trim().toLowerCase() === 'debug') {
        process.stderr.write(`${err.stack ?? ''}\n`);
      }
      finish(1);
    },
  );
}

function finish(code: number): void {
  process.exitCode = code;
  // Exit naturally so stdout is flushed; a handle left open by a failure half-way
  // (a pool, a socket) must not keep the process alive, though.
  setTimeout(() => process.exit(code), 2_000).unref();
}
