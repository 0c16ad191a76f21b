import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/db/data-dir-lock.js';
import { askChannel, ChannelError } from '../src/platform/admin-protocol.js';

// The data-folder lock socket as the running gateway's admin channel: the wire
// protocol `npm run cli` speaks (newline-delimited JSON).

const folders: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gwa-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Writes raw text on the socket and collects what comes back until the server ends. */
function rawExchange(socketPath: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath, () => conn.end(text));
    let received = '';
    conn.on('data', (c: Buffer) => (received += c.toString()));
    conn.on('close', () => resolve(received));
    conn.on('error', reject);
  });
}

describe('the lock socket as admin channel', () => {
  it('answers ping with its pid at once, and commands only once a handler is registered', async () => {
    const dir = tempFolder();
    const lock = await lockDataDir(dir);
    try {
      expect(await askChannel(lock.socketPath, { command: 'ping' }, 1000)).toEqual({
        kind: 'response',
        response: { ok: true, result: { pid: process.pid, serving: false } },
      });
      const early = await askChannel(lock.socketPath, { command: 'key:list', args: {} }, 1000);
      expect(early).toMatchObject({ kind: 'response', response: { ok: false, code: 'UNAVAILABLE' } });
      expect(early.kind === 'response' && !early.response.ok && early.response.error).toContain(`pid ${process.pid}`);

      const seen: Array<[string, unknown]> = [];
      lock.serve(async (command, args) => {
        seen.push([command, args]);
        if (command === 'fail') throw new ChannelError('no such key', 'NOT_FOUND');
        if (command === 'crash') throw new Error('boom');
        return { echoed: args };
      });
      expect(await askChannel(lock.socketPath, { command: 'ping' }, 1000)).toMatchObject({ response: { result: { serving: true } } });
      expect(await askChannel(lock.socketPath, { command: 'echo', args: { a: '1' } }, 1000)).toEqual({
        kind: 'response',
        response: { ok: true, result: { echoed: { a: '1' } } },
      });
      expect(await askChannel(lock.socketPath, { command: 'echo' }, 1000)).toMatchObject({ response: { ok: true, result: { echoed: {} } } });
      expect(await askChannel(lock.socketPath, { command: 'fail', args: {} }, 1000)).toEqual({
        kind: 'response',
        response: { ok: false, error: 'no such key', code: 'NOT_FOUND' },
      });
      expect(await askChannel(lock.socketPath, { command: 'crash', args: {} }, 1000)).toEqual({
        kind: 'response',
        response: { ok: false, error: 'boom', code: 'INTERNAL' },
      });
      expect(seen.map(([c]) => c)).toEqual(['echo', 'echo', 'fail', 'crash']);
    } finally {
      await lock.release();
    }
  });

  it('greets every connection with what ping answers, so a probe needs to send nothing', async () => {
    const dir = tempFolder();
    const lock = await lockDataDir(dir);
    try {
      const text = await rawExchange(lock.socketPath, '');
      expect(text).toBe(`${JSON.stringify({ ok: true, result: { pid: process.pid, serving: false } })}\n`);
    } finally {
      await lock.release();
    }
  });

  it('reports an owner that hangs up after the request as dropped (the command may have run)', async () => {
    const dir = tempFolder();
    const socketPath = path.join(dir, 'gateway.lock.sock');
    const rude = net.createServer((conn) => {
      conn.write('{"ok":true,"result":{"pid":1,"serving":true}}\n');
      conn.once('data', () => conn.destroy());
    });
    await new Promise<void>((resolve) => rude.listen(socketPath, () => resolve()));
    try {
      expect(await askChannel(socketPath, { command: 'key:list' }, 1000)).toEqual({ kind: 'dropped' });
    } finally {
      await new Promise<void>((resolve) => rude.close(() => resolve()));
    }
  });

  it('speaks newline-delimited JSON: several requests on one connection are answered in order; garbage is refused', async () => {
    const dir = tempFolder();
    const lock = await lockDataDir(dir);
    try {
      lock.serve(async (command, args) => {
        await new Promise((r) => setTimeout(r, command === 'slow' ? 50 : 0));
        return { command, args };
      });
      const text = await rawExchange(
        lock.socketPath,
        ['{"command":"slow","args":{"n":1}}', '', 'not json', '{"command":"fast"}', '{"args":{}}', '{"command":"x","args":[1]}', '{"command":"ping"}', ''].join(
          '\n',
        ),
      );
      const answers = text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(answers).toEqual([
        { ok: true, result: { pid: process.pid, serving: true } }, // the greeting
        { ok: true, result: { command: 'slow', args: { n: 1 } } },
        { ok: false, code: 'BAD_REQUEST', error: expect.stringContaining('one line of JSON') },
        { ok: true, result: { command: 'fast', args: {} } },
        { ok: false, code: 'BAD_REQUEST', error: expect.stringContaining('"command"') },
        { ok: false, code: 'BAD_REQUEST', error: expect.stringContaining('args') },
        { ok: true, result: { pid: process.pid, serving: true } },
      ]);
    } finally {
      await lock.release();
    }
  });

  it('is a socket only its owner may use (0600) in a folder it creates private (0700)', async () => {
    const dir = path.join(tempFolder(), 'new');
    const lock = await lockDataDir(dir);
    try {
      expect(statSync(lock.socketPath).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    } finally {
      await lock.release();
    }
  });

  it('releases at once even with an idle client connected, and then nobody answers', async () => {
    const dir = tempFolder();
    const lock = await lockDataDir(dir);
    const idle = net.connect(lock.socketPath);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    idle.on('error', () => {});
    const started = Date.now();
    await lock.release();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await askChannel(path.join(dir, 'gateway.lock.sock'), { command: 'ping' }, 1000)).toEqual({ kind: 'no-owner' });
  });

  it('tells an owner of an older version (it answers its pid and hangs up) from a live admin channel, and still counts it as the lock', async () => {
    const dir = tempFolder();
    const socketPath = path.join(dir, 'gateway.lock.sock');
    const legacy = net.createServer((conn) => conn.end('4242\n'));
    await new Promise<void>((resolve) => legacy.listen(socketPath, () => resolve()));
    try {
      expect(await askChannel(socketPath, { command: 'key:list' }, 1000)).toEqual({ kind: 'legacy', text: '4242' });
      const error = await lockDataDir(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain('(pid 4242)');
    } finally {
      await new Promise<void>((resolve) => legacy.close(() => resolve()));
    }
  });

  it('reports an owner that never answers as a timeout', async () => {
    const dir = tempFolder();
    const socketPath = path.join(dir, 'gateway.lock.sock');
    const mute = net.createServer(() => {});
    await new Promise<void>((resolve) => mute.listen(socketPath, () => resolve()));
    try {
      expect(await askChannel(socketPath, { command: 'ping' }, 200)).toEqual({ kind: 'timeout' });
    } finally {
      mute.close();
    }
  });
});
