/**
 * `npm start` as an operator runs it: src/bin/main.ts in a child process, on a
 * free port of 127.0.0.1, with the environment given (the test's own
 * DATABASE_URL and DATA_DIR are not passed on).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A gateway that does not start in this long fails the test instead of stalling it. */
const START_TIMEOUT_MS = 90_000;

export interface GatewayProcess {
  child: ChildProcess;
  baseUrl: string;
  /** The account whose credentials the banner printed (first start of an embedded database). */
  demo: { accountSid: string; authToken: string } | undefined;
  stdout(): string;
  /** The JSON log lines so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once a log line contains `text`. */
  logged(text: string, timeoutMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every gateway still running (for afterAll). */
export function killGateways(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  delete inherited.DATA_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_REQUESTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of waiters) w();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const w of waiters) w();
  });
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      running.delete(child);
      resolve(code);
      for (const w of waiters) w();
    }),
  );

  function until<T>(test: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = test();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (closed) {
          done();
          reject(new Error(`the gateway exited before ${what}:\n${stdout}\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}:\n${stdout}\n${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  const baseUrl = await until(() => /GraphiQL\s+(http:\/\/\S+)\/graphql/.exec(stdout)?.[1], 'its banner', START_TIMEOUT_MS);
  const sid = /AccountSid (AC\w+)/.exec(stdout)?.[1];
  const token = /AuthToken {2}(\w+)/.exec(stdout)?.[1];
  return {
    child,
    baseUrl,
    demo: sid && token ? { accountSid: sid, authToken: token } : undefined,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    logged: (text, timeoutMs = 10_000) => until(() => (stderr.includes(text) ? true : undefined), `a log line with ${text}`, timeoutMs).then(() => {}),
  };
}
