import { mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  socketPath: string;
  release(): Promise<void>;
}

/**
 * Takes an exclusive lock on the embedded database's folder by listening on a
 * Unix socket inside it. The kernel frees the socket when the process dies, so a
 * crash never leaves a lock behind: a leftover socket file nobody answers on is
 * stale and is replaced. A live owner answers, and the second opener gets
 * DataDirLockedError before it touches any database file.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const socketPath = path.join(dataDir, 'gateway.lock.sock');
  if (Buffer.byteLength(socketPath) > 100) {
    throw new DataDirLockedError(`DATA_DIR path is too long for its lock socket (${socketPath}); choose a shorter DATA_DIR`);
  }
  const server = net.createServer((conn) => conn.end(`${process.pid}\n`));
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
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Resolves to the owner's pid ('' if it answered without one), or undefined when nobody answers. */
function askOwner(socketPath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const conn = net.connect(socketPath);
    let answer = '';
    conn.setTimeout(1000, () => {
      conn.destroy();
      resolve('');
    });
    conn.on('data', (chunk) => (answer += chunk.toString()));
    conn.on('end', () => resolve(answer.trim()));
    conn.on('error', () => resolve(undefined));
  });
}
