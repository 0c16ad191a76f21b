import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/db/data-dir-lock.js';
import { openDatabase } from '../src/db/database.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_MODULE = pathToFileURL(path.join(REPO_ROOT, 'src/db/database.ts')).href;
/** Child processes are killed after this long, so a hang fails the test instead of stalling it. */
const CHILD_TIMEOUT_MS = 60_000;

const folders: string[] = [];
/** A fresh folder with a short path (a Unix socket path must stay under ~100 bytes). */
function tempFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gwl-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function waitForExit(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `openDatabase({ dataDir })` in another Node process, through tsx like `npm start`. */
function openInChild(dataDir: string): Promise<Exit> {
  const script = path.join(tempFolder(), 'open.mts');
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(DATABASE_MODULE)};
try {
  const db = await openDatabase({ dataDir: process.argv[2] });
  console.log('OPENED');
  await db.close();
} catch (err) {
  console.error(\`\${err.name}: \${err.message}\`);
  process.exit(3);
}
`,
  );
  return waitForExit(
    spawn(process.execPath, ['--import', 'tsx', script, dataDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    }),
  );
}

/** Every file and folder below `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = statSync(p);
      out.push(`${path.relative(dir, p)}${e.isDirectory() ? '/' : ''} size=${e.isDirectory() ? '-' : st.size} mtime=${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('lockDataDir', () => {
  it('refuses a second lock on the same folder from the same process, naming the folder, until the first is released', async () => {
    const dir = tempFolder();
    const lock = await lockDataDir(dir);
    expect(lock.socketPath).toBe(path.join(dir, 'gateway.lock.sock'));
    expect(statSync(lock.socketPath).isSocket()).toBe(true);

    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).name).toBe('DataDirLockedError');
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toContain(`pid ${process.pid}`);

    // The refused attempt did not disturb the holder.
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);

    await lock.release();
    const again = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await again.release();
  });

  it('takes over a socket file left behind by a process that died', async () => {
    const dir = tempFolder();
    const socketPath = path.join(dir, 'gateway.lock.sock');
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(process.argv[1], () => console.log('listening'))`, socketPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: CHILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const exited = waitForExit(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (c: Buffer) => {
        if (c.toString().includes('listening')) resolve();
      });
      child.on('close', () => reject(new Error('the child exited before it listened')));
    });
    child.kill('SIGKILL'); // no chance to clean up
    expect((await exited).signal).toBe('SIGKILL');
    expect(statSync(socketPath).isSocket()).toBe(true); // the stale file is really there

    const lock = await lockDataDir(dir);
    expect(lock.socketPath).toBe(socketPath);
    // And the new lock is live.
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await lock.release();
  });

  it('refuses a folder whose lock socket path would be too long', async () => {
    const dir = path.join(tempFolder(), 'x'.repeat(100));
    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toMatch(/DATA_DIR/);
  });
});

describe('openDatabase on a data folder another process holds', () => {
  it('makes the second process exit non-zero with a clear message before it touches pgdata', async () => {
    const dir = tempFolder();
    const db = await openDatabase({ dataDir: dir });
    let before: string[];
    try {
      await db.migrate(); // some real content in pgdata
      before = snapshot(path.join(dir, 'pgdata'));
      expect(before.length).toBeGreaterThan(0);

      const child = await openInChild(dir);
      expect(child.signal, child.stderr).toBeNull(); // it ended by itself, it was not killed for hanging
      expect(child.code, child.stderr).toBe(3);
      expect(child.stdout).not.toContain('OPENED');
      expect(child.stderr).toContain('DataDirLockedError');
      expect(child.stderr).toContain(`data folder ${dir} is in use by another gateway process (pid ${process.pid})`);

      expect(snapshot(path.join(dir, 'pgdata'))).toEqual(before);
      // Our own instance is unaffected.
      expect(await db.prisma.account.count()).toBe(0);
    } finally {
      await db.close();
    }

    // Once released, another process can open the folder.
    const child = await openInChild(dir);
    expect(child.stderr).not.toContain('DataDirLockedError');
    expect(child.stdout).toContain('OPENED');
    expect(child.code).toBe(0);
    expect(existsSync(path.join(dir, 'pgdata'))).toBe(true);
  });
});
