import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { askChannel, type ChannelHandler, isObject, serveChannelConnection } from '../platform/admin-protocol.js';
import { OperatorError } from '../platform/operator-error.js';

export class DataDirLockedError extends OperatorError {
  override name = 'DataDirLockedError';
}

/** The lock socket's file name inside the data folder. */
export const LOCK_SOCKET_NAME = 'gateway.lock.sock';

export interface DataDirLock {
  socketPath: string;
  /** Starts answering admin commands with `handler` (once the database is ready). */
  serve(handler: ChannelHandler): void;
  release(): Promise<void>;
}

/** The lock socket of a data folder; DataDirLockedError when the path is too long for a Unix socket. */
export function lockSocketPath(dataDir: string): string {
  const socketPath = path.join(dataDir, LOCK_SOCKET_NAME);
  if (Buffer.byteLength(socketPath) > 100) {
    throw new DataDirLockedError(`DATA_DIR path is too long for its lock socket (${socketPath}); choose a shorter DATA_DIR`);
  }
  return socketPath;
}

/**
 * Takes an exclusive lock on the embedded database's folder by listening on a
 * Unix socket inside it. The kernel frees the socket when the process dies, so a
 * crash never leaves a lock behind: a leftover socket file nobody answers on is
 * stale and is replaced. A live owner answers, and the second opener gets
 * DataDirLockedError before it touches any database file.
 *
 * The socket is made 0600 (only the folder's owner may talk to it), and a data
 * folder this creates is 0700.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const socketPath = lockSocketPath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let handler: ChannelHandler | undefined;
  const connections = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (conn) => {
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
    serveChannelConnection(conn, () => handler);
  });
  try {
    await listen(server, socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const ownerPid = await askOwner(socketPath);
    if (ownerPid !== undefined) {
      throw new DataDirLockedError(
        `data folder ${dataDir} is in use by another gateway process (pid ${ownerPid || 'unknown'}); ` +
          'stop it first, or set DATA_DIR to another folder or DATABASE_URL to a Postgres server',
      );
    }
    unlinkSync(socketPath); // stale: its owner died without cleaning up
    await listen(server, socketPath);
  }
  server.unref();
  return {
    socketPath,
    serve(h) {
      handler = h;
    },
    release: () =>
      new Promise<void>((resolve) => {
        handler = undefined;
        server.close(() => resolve());
        // An idle admin client must not hold the shutdown open.
        for (const conn of connections) conn.destroy();
      }),
  };
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      try {
        // Under the usual umask (022) the socket is not writable by others even
        // before this, and connecting to a Unix socket needs write permission.
        chmodSync(socketPath, 0o600);
      } catch (err) {
        server.close();
        reject(err);
        return;
      }
      resolve();
    });
  });
}

/**
 * Resolves to the owner's pid ('' if it answered without one), or undefined
 * when nobody answers (the socket is stale).
 */
async function askOwner(socketPath: string): Promise<string | undefined> {
  const answer = await askChannel(socketPath, { command: 'ping' }, 1000);
  switch (answer.kind) {
    case 'no-owner':
      return undefined;
    case 'denied':
      throw new DataDirLockedError(`the data folder's lock socket belongs to another user (${answer.message}); run as the folder's owner`);
    case 'timeout':
    case 'dropped':
      return '';
    case 'legacy':
      return /^\d+$/.test(answer.text) ? answer.text : '';
    case 'response': {
      const result = answer.response.ok ? answer.response.result : undefined;
      const pid = isObject(result) ? result.pid : undefined;
      return typeof pid === 'number' || typeof pid === 'string' ? String(pid) : '';
    }
  }
}
