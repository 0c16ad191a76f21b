import type { PrismaClient } from '../generated/prisma/client.js';
import { askChannel, ChannelError, isObject } from '../platform/admin-protocol.js';
import { importFileRecords } from './file-store.js';
import { createDirectStore, ImportConflictError, ImportDataError } from './store.js';
import type { ImportStore } from './store-protocol.js';

/**
 * The importer's store over the admin channel: on the embedded database a
 * running gateway holds the data folder, so the CLI sends each of its store
 * calls there (`import:begin`, `import:write`, …) and the gateway runs them
 * with its own PrismaClient (`handleImportCommand`).
 */

const STORE_OPS = ['begin', 'write', 'finish', 'release'] as const;
const FILE_OP = 'import:file';
/** How long one store call may take in the gateway (a page, or a whole file for import:file). */
const CALL_TIMEOUT_MS = 600_000;

/** A store call the gateway refused or could not run. */
export class ChannelStoreError extends Error {
  override name = 'ChannelStoreError';
}

export function isImportCommand(command: string): boolean {
  return command === FILE_OP || STORE_OPS.some((op) => command === `import:${op}`);
}

/** The gateway's side: runs one store call from the CLI. */
export async function handleImportCommand(prisma: PrismaClient, command: string, args: Record<string, unknown>): Promise<unknown> {
  try {
    if (command === FILE_OP) return await importFileRecords(prisma, args as unknown as Parameters<typeof importFileRecords>[1]);
    const op = command.slice('import:'.length) as (typeof STORE_OPS)[number];
    const store = createDirectStore(prisma);
    return (await store[op](args as never)) ?? null;
  } catch (err) {
    if (err instanceof ImportConflictError || err instanceof ImportDataError) throw new ChannelError(err.message, 'BAD_INPUT');
    throw err;
  }
}

/** The CLI's side. */
export function createChannelStore(socketPath: string): ImportStore {
  return {
    begin: (request) => callChannel(socketPath, 'import:begin', request),
    write: (request) => callChannel(socketPath, 'import:write', request),
    finish: (request) => callChannel(socketPath, 'import:finish', request),
    release: (request) => callChannel(socketPath, 'import:release', request),
  };
}

/** One call to the gateway holding the data folder; ChannelStoreError when it refuses or cannot answer. */
export async function callChannel<T>(socketPath: string, command: string, args: object): Promise<T> {
  const answer = await askChannel(socketPath, { command, args: args as Record<string, unknown> }, CALL_TIMEOUT_MS);
  if (answer.kind === 'response') {
    if (answer.response.ok) return answer.response.result as T;
    throw new ChannelStoreError(answer.response.error);
  }
  const what = {
    'no-owner': 'the gateway that held the data folder has gone',
    legacy: 'the process holding the data folder is a gateway version without the admin channel',
    timeout: 'the gateway did not answer in time',
    dropped: 'the gateway hung up before answering',
    denied: isObject(answer) && 'message' in answer ? String(answer.message) : 'permission denied',
  }[answer.kind];
  throw new ChannelStoreError(`${command} through the running gateway failed: ${what}; run the import again to resume`);
}
