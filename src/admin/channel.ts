import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataDirLockedError, lockSocketPath } from '../db/data-dir-lock.js';
import type { Database } from '../db/database.js';
import { openConfiguredDatabase } from '../db/open-configured.js';
import { NotFoundError } from '../domain/errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { handleImportCommand, isImportCommand } from '../import/channel-store.js';
import { askChannel, ChannelError, type ChannelHandler } from '../platform/admin-protocol.js';
import type { Logger } from '../platform/logger.js';
import { executeCommand, findCommand, UsageError } from './commands.js';

/**
 * How operator commands reach the data.
 *
 * - DATABASE_URL set: the CLI opens the database itself, like every gateway
 *   process does.
 * - Embedded PGlite: only one process may open the data folder. When a gateway
 *   holds it, the CLI sends the command over the folder's lock socket (see
 *   data-dir-lock.ts for the protocol) and the gateway runs it with its own
 *   PrismaClient; when nobody holds it, the CLI takes the lock and opens the
 *   folder itself. It never opens a folder whose lock is held.
 */

/** Answers admin commands on the lock socket (embedded database only; a no-op on Postgres). */
export function serveAdminChannel(db: Database, logger: Logger): void {
  db.serveAdmin?.(createAdminHandler(db.prisma, logger));
}

export function createAdminHandler(prisma: PrismaClient, logger: Logger): ChannelHandler {
  return async (command, args) => {
    if (isImportCommand(command)) return handleImportCommand(prisma, command, args);
    try {
      const result = await executeCommand(prisma, command, args);
      // Arguments are SIDs, names and filters; results (which hold secrets) are never logged.
      logger.info('admin command', { command, args, ok: true });
      return result;
    } catch (err) {
      logger.info('admin command', { command, args, ok: false, error: err instanceof Error ? err.message : String(err) });
      if (err instanceof UsageError) throw new ChannelError(err.message, 'BAD_INPUT');
      if (err instanceof NotFoundError) throw new ChannelError(err.message, 'NOT_FOUND');
      throw err;
    }
  };
}

/** What opening the configured database needs (the whole Config will do). */
type DatabaseConfig = Parameters<typeof openConfiguredDatabase>[0];

/** A command that could not run (no such account or key, no database, an unreachable gateway): exit status 1. */
export class CommandFailedError extends Error {
  override name = 'CommandFailedError';
}

export interface ExecuteOptions {
  logger: Logger;
  /** How long to keep trying while the folder's owner does not accept commands yet (it is starting). */
  waitMs?: number;
  /** How long one command may take in the running gateway. */
  commandTimeoutMs?: number;
}

/** Runs one command on the configured database, through the running gateway when it holds the data folder. */
export async function executeConfigured(config: DatabaseConfig, name: string, args: Record<string, unknown>, options: ExecuteOptions): Promise<unknown> {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  if (config.databaseUrl) return executeDirect(config, name, args, options.logger);

  const dataDir = config.dataDir;
  const socketPath = lockSocketPath(dataDir);
  const waitMs = options.waitMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  let lastRefusal = '';
  for (;;) {
    const answer = await askChannel(socketPath, { command: name, args }, options.commandTimeoutMs ?? 60_000);
    switch (answer.kind) {
      case 'response': {
        const { response } = answer;
        if (response.ok) return response.result;
        if (response.code === 'BAD_INPUT') throw new UsageError(response.error);
        if (response.code !== 'UNAVAILABLE') throw new CommandFailedError(response.error);
        lastRefusal = response.error;
        break;
      }
      case 'no-owner': {
        if (!command.initializesDatabase && !existsSync(path.join(dataDir, 'pgdata'))) {
          throw new CommandFailedError(
            `there is no gateway database in ${dataDir} (DATA_DIR): check DATA_DIR, ` +
              'or set DATABASE_URL if the gateway runs on PostgreSQL (account:create creates an embedded database)',
          );
        }
        try {
          return await executeDirect(config, name, args, options.logger);
        } catch (err) {
          // A gateway took the folder between our question and our lock: ask it instead.
          if (!(err instanceof DataDirLockedError) || !/in use by another/.test(err.message)) throw err;
          lastRefusal = err.message;
        }
        break;
      }
      case 'legacy':
        if (answer.text === '') {
          // Hung up without a word: most likely a gateway shutting down. Ask again.
          lastRefusal = `the process holding ${dataDir} (DATA_DIR) hung up without answering`;
          break;
        }
        throw new CommandFailedError(
          `the process holding ${dataDir} (DATA_DIR${/^\d+$/.test(answer.text) ? `, pid ${answer.text}` : ''}) ` +
            'is a gateway version without the admin channel: restart it with this version, ' +
            'or stop it and run the command again (the CLI then opens the folder itself)',
        );
      case 'timeout':
        throw new CommandFailedError(
          `the gateway holding ${dataDir} (DATA_DIR) did not answer on ${socketPath} in time, so the command may or may not have run: ` +
            'check that the gateway is healthy (its logs), or stop it, then check (account:list, key:list) and run the command again if needed',
        );
      case 'dropped':
        throw new CommandFailedError(
          `the gateway holding ${dataDir} (DATA_DIR) hung up before answering (it may be shutting down); ` +
            'the command may or may not have run: check (account:list, key:list), then run it again if needed',
        );
      case 'denied':
        throw new CommandFailedError(
          `cannot reach the gateway holding ${dataDir} (DATA_DIR): ${answer.message}; ` +
            "run the command as the user the gateway runs as (the folder's owner)",
        );
    }
    if (Date.now() >= deadline) {
      throw new CommandFailedError(
        `${lastRefusal}. Waited ${Math.round(waitMs / 1000)} s for it; ` +
          `if it is a gateway that is starting, run the command again once it has started; otherwise stop that process and run the command again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Opens the configured database in this process (taking the data folder's lock when embedded), migrates it and runs the command. */
async function executeDirect(config: DatabaseConfig, name: string, args: Record<string, unknown>, logger: Logger): Promise<unknown> {
  const db = await openConfiguredDatabase(config);
  try {
    const applied = await db.migrate();
    if (applied.length > 0) logger.info('migrations applied', { applied });
    return await executeCommand(db.prisma, name, args);
  } catch (err) {
    if (err instanceof NotFoundError) throw new CommandFailedError(err.message);
    throw err;
  } finally {
    await db.close();
  }
}
