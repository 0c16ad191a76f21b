// @ts-check
// Starting and stopping the contenders' server processes. Each is started as
// a `node` process directly (never through npm or a tsx wrapper), so the pid
// we hold is the process that serves, and its /proc CPU and memory are the
// server's own.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
export const LOG_DIR = path.join(BENCH_DIR, '.logs');

const running = new Set();

/** The gateway's settings (README, "Configuration"), but DATABASE_URL, PORT and HOST. */
const GATEWAY_SETTINGS = [
  'DATA_DIR',
  'DB_CONNECT_TIMEOUT_SECONDS',
  'DB_STATEMENT_TIMEOUT_MS',
  'EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL',
  'EVENTS_QUEUE_SIZE',
  'GRAPHQL_EXECUTOR',
  'GRAPHQL_INTROSPECTION',
  'GRAPHQL_MAX_ALIASES',
  'GRAPHQL_MAX_COST',
  'GRAPHQL_MAX_DEPTH',
  'GRAPHQL_MAX_TOKENS',
  'LOG_LEVEL',
  'MAX_BODY_BYTES',
  'METRICS_TOKEN',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'PGOPTIONS',
  'PUBLIC_URL',
  'RATE_LIMIT_REQUESTS',
  'RATE_LIMIT_WINDOW_SECONDS',
  'REDIS_URL',
  'SHUTDOWN_TIMEOUT_SECONDS',
  'WORKERS',
];

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The gateway's own dependencies come from the root `npm ci`; it is then
 * compiled (`npm run build`, as `npm start` does) and served from dist/.
 */
export function checkRootInstall() {
  const missing = ['node_modules/tsx', 'src/generated/prisma/client.ts'].filter((p) => !existsSync(path.join(ROOT_DIR, p)));
  if (missing.length) {
    throw new Error(`the gateway is not installed (${missing.join(', ')} missing): run \`npm ci\` at the repository root first`);
  }
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT_DIR, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('`npm run build` failed at the repository root');
}

/**
 * Starts one contender server: 'gateway' (serves both GraphQL and REST),
 * 'postgraphile', 'postgraphile_rls' (the same file with PGL_AUTH=rls: Basic
 * auth and row-level security) or 'raw'. Resolves once it answers HTTP.
 *
 * @param {string} kind
 * @param {string} databaseUrl
 * @param {{ logName?: string, nodeArgs?: string[], env?: Record<string, string> }} [options]
 */
export async function startServer(kind, databaseUrl, { logName = kind, nodeArgs = [], env: extraEnv = {} } = {}) {
  const port = await freePort();
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ...extraEnv };
  let args;
  let cwd;
  if (kind === 'gateway') {
    cwd = ROOT_DIR;
    args = [...nodeArgs, 'dist/bin/main.js'];
    // Measured as deployed with its defaults (issue 15 rules out anything
    // else): none of its settings is inherited from the caller's environment.
    // Only NODE_ENV=production is set, as for every contender.
    for (const name of GATEWAY_SETTINGS) delete env[name];
    Object.assign(env, { NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ...extraEnv });
  } else if (kind === 'postgraphile' || kind === 'postgraphile_rls') {
    cwd = BENCH_DIR;
    args = [...nodeArgs, '--import', './polyfill.mjs', 'servers/postgraphile.mjs'];
    env.NODE_ENV = 'production';
    if (kind === 'postgraphile_rls') env.PGL_AUTH = 'rls';
    else delete env.PGL_AUTH;
  } else if (kind === 'raw') {
    cwd = BENCH_DIR;
    args = [...nodeArgs, 'servers/raw.mjs'];
    env.NODE_ENV = 'production';
  } else {
    throw new Error(`unknown server ${kind}`);
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${logName}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = {
    kind,
    pid: child.pid,
    port,
    base: `http://127.0.0.1:${port}`,
    logFile,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(server);
      log.end();
    },
  };
  running.add(server);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${kind} exited during start-up (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    }
    try {
      // The gateway listens before it is ready (it answers 503 until then): wait for its readiness.
      const probe = kind === 'gateway' ? '/readyz' : kind === 'raw' ? '/w0' : '/graphql';
      const res = await fetch(`${server.base}${probe}`, { method: 'GET', signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (kind !== 'gateway' || res.ok) return server;
      throw new Error(`not ready (${res.status})`);
    } catch {
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${kind} did not answer within 120 s; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function stopAll() {
  await Promise.all([...running].map((s) => s.stop()));
}
