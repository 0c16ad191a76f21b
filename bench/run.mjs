// @ts-check
// `npm run bench`: seeds DATABASE_URL if needed, starts every contender,
// checks their answers against SQL, counts SQL statements per request, runs
// the interleaved load rounds, probes latency at three data sizes and writes
// results/latest.json and RESULTS.md. See README.md for what is measured how.

import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { planDataset } from './lib/dataset.mjs';
import { databaseName, databaseUrl, ensureDatabase } from './lib/db.mjs';
import { percentiles, runLoad } from './lib/load.mjs';
import { backendsCpuDelta, machineInfo, postgresBackendsCpu, postgresServerCpu, processCpuMs, processMemory, sampleRss } from './lib/proc.mjs';
import { BENCH_DIR, checkRootInstall, ROOT_DIR, startServer, stopAll } from './lib/servers.mjs';
import { classify, SqlCountingProxy } from './lib/sql-proxy.mjs';
import {
  authorizations,
  buildRequests,
  CONTENDERS,
  CURSOR_QUERIES,
  DEFAULT_WORKLOADS,
  difference,
  expectedAnswers,
  graphqlBody,
  normalize,
  PGL_CONTENDERS,
  SUPPORTED,
  WORKLOADS,
} from './lib/workloads.mjs';
import { summarize, writeReport } from './report.mjs';

const env = process.env;
const num = (name, fallback) => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
};
const list = (name, fallback, allowed) => {
  const raw = env[name]?.trim();
  const items = raw
    ? raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : fallback;
  for (const item of items) if (!allowed.includes(item)) throw new Error(`${name}: unknown ${item} (one of ${allowed.join(', ')})`);
  return items;
};

const config = {
  duration: num('BENCH_DURATION', 10),
  warmup: num('BENCH_WARMUP', 3),
  rounds: num('BENCH_ROUNDS', 3),
  connections: num('BENCH_CONNECTIONS', 10),
  workloads: list('BENCH_WORKLOADS', DEFAULT_WORKLOADS, Object.keys(WORKLOADS)),
  contenders: list('BENCH_CONTENDERS', Object.keys(CONTENDERS), Object.keys(CONTENDERS)),
  statementSamples: num('BENCH_STATEMENT_SAMPLES', 20),
  scaleSizes:
    (env.BENCH_SCALE ?? '10000,100000').trim().toLowerCase() === 'off'
      ? []
      : (env.BENCH_SCALE ?? '10000,100000')
          .split(',')
          .map((s) => Number(s.trim()))
          .filter((n) => n > 0),
  scaleDuration: num('BENCH_SCALE_DURATION', 5),
  outDir: path.resolve(BENCH_DIR, env.BENCH_OUT ?? '.'),
  // The main data set (defaults: 1,000,000 bindings over 100,000 users); smaller for smoke runs.
  bindings: num('BENCH_BINDINGS', 1_000_000),
  users: num('BENCH_USERS', 0),
};
config.users ||= Math.max(20, Math.round(config.bindings / 10));
const sizeArgs = (bindings, users) => ['--bindings', String(bindings), '--users', String(users)];

const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const round2 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100);
const round3 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);

/** The server process behind each contender (REST and GraphQL share the gateway). */
const SERVER_OF = { graphql: 'gateway', rest: 'gateway', postgraphile: 'postgraphile', postgraphile_rls: 'postgraphile_rls', raw: 'raw' };

async function main() {
  const startedAt = Date.now();
  checkRootInstall();
  // The gateway is started several times (phases A, B, C): note its code version at both ends.
  const versionAtStart = gitVersion();
  const url = databaseUrl();
  const dbName = databaseName(url);
  const target = new URL(url);

  log(`seeding ${dbName} (skipped when already seeded) …`);
  const seed = await runSeed(url, sizeArgs(config.bindings, config.users));
  const params = seed;
  const plan = planDataset({ bindings: config.bindings, users: config.users, services: 20 });
  const auths = authorizations(seed);
  const authorization = auths[0];
  const expected = await withPg(url, (client) => expectedAnswers(client, params));
  const serverKinds = [...new Set(config.contenders.map((c) => SERVER_OF[c]))];

  // Phase A: every contender through the counting proxy: answers, then statements per request.
  log('phase A: answers and SQL statements per request (through a counting proxy) …');
  const proxy = new SqlCountingProxy({ targetHost: target.hostname || '127.0.0.1', targetPort: Number(target.port || 5432) });
  const proxyPort = await proxy.listen();
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxyPort);
  let servers = await startServers(serverKinds, proxied.toString(), 'counted');
  let requests = buildRequests(params, await fetchCursors(servers, params, authorization), authorization);
  const correctness = await checkAnswers(servers, requests, expected);
  const statements = await countStatements(servers, requests, proxy);
  await stopAll();
  await proxy.close();

  // Phase B: the measured rounds, contenders straight on the database.
  log('phase B: load rounds …');
  servers = await startServers(serverKinds, url, 'measured');
  requests = buildRequests(params, await fetchCursors(servers, params, authorization), authorization);
  const recheck = await checkAnswers(servers, requests, expected);
  for (const [key, value] of Object.entries(recheck)) if (value !== 'ok') correctness[key] = value;
  const rounds = [];
  for (let r = 0; r < config.rounds; r++) {
    const round = { round: r + 1, results: {} };
    for (const w of config.workloads) {
      round.results[w] = {};
      const order = rotate(
        config.contenders.filter((c) => SUPPORTED[c].includes(w)),
        r,
      );
      for (const c of order) {
        if (correctness[`${c}.${w}`] !== 'ok') continue;
        const m = await measure(servers[SERVER_OF[c]], requests[c][w], auths, c, dbName);
        round.results[w][c] = m;
        log(
          `round ${r + 1} ${w} ${c.padEnd(16)} ${fmt(m.rps, 0).padStart(6)} req/s  p50 ${fmt(m.p50_ms, 2)} ms  p99 ${fmt(m.p99_ms, 2)} ms  cpu ${fmt(m.cpu_ms_per_req, 3)} ms/req  pg ${fmt(m.pg_cpu_ms_per_req, 3)} ms/req  errors ${m.errors + m.non2xx + m.mismatches}`,
        );
      }
    }
    rounds.push(round);
  }
  const peakRss = {};
  for (const [kind, server] of Object.entries(servers)) peakRss[kind] = round2(processMemory(server.pid)?.hwmMb ?? null);
  await stopAll();

  // Phase C: latency of W1, W2, W7 (GraphQL, one connection) at three data sizes.
  const scale = config.scaleSizes.length ? await scaleProbe(url, dbName, seed) : null;

  const results = {
    date: new Date().toISOString(),
    machine: { ...machineInfo(), postgres: await withPg(url, async (c) => (await c.query('SHOW server_version')).rows[0].server_version) },
    gateway_version: sameVersion(versionAtStart, gitVersion()),
    runtime_seconds: Math.round((Date.now() - startedAt) / 1000),
    config: { ...config, outDir: undefined },
    rounds: config.rounds,
    dataset: { label: plan.label, ...plan.sizes, largest_service: { sid: params.serviceSid, bindings: params.serviceBindings } },
    params: {
      serviceSid: params.serviceSid,
      identity: params.identity,
      identityBindings: params.identityBindings,
      bindingSid: params.bindingSid,
      deepAfterSid: params.deepAfterSid,
    },
    contenders: Object.fromEntries(config.contenders.map((c) => [c, CONTENDERS[c]])),
    workloads: Object.fromEntries(config.workloads.map((w) => [w, WORKLOADS[w]])),
    correctness,
    statements,
    round_results: rounds,
    peak_rss_by_server_mb: peakRss,
    scale,
  };
  Object.assign(results, summarize(results));
  writeReport(results, config.outDir);
  log(`wrote ${path.relative(process.cwd(), path.join(config.outDir, 'RESULTS.md'))} and results/latest.json in ${results.runtime_seconds} s`);
  const failures = Object.entries(correctness).filter(([, v]) => v !== 'ok');
  if (failures.length) {
    log(`answers differed for ${failures.map(([k]) => k).join(', ')}: those were not measured`);
    process.exitCode = 1;
  }
}

function rotate(items, by) {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

function fmt(x, digits) {
  return x === null || x === undefined ? '-' : x.toFixed(digits);
}

async function withPg(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs seed.mjs --json in its own process; returns its last stdout line, parsed. */
function runSeed(url, extraArgs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'seed.mjs', '--json', ...extraArgs], {
      cwd: BENCH_DIR,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`seed failed (exit ${code})`));
      try {
        resolve(JSON.parse(/** @type {string} */ (out.trim().split('\n').at(-1))));
      } catch (err) {
        reject(new Error(`seed printed no JSON: ${/** @type {Error} */ (err).message}`));
      }
    });
  });
}

async function startServers(kinds, url, tag) {
  const servers = {};
  for (const kind of kinds) {
    servers[kind] = await startServer(kind, url, { logName: `${kind}-${tag}` });
    log(`${kind} (${tag}) up on :${servers[kind].port}, pid ${servers[kind].pid}`);
  }
  return servers;
}

async function send(server, request) {
  const res = await fetch(`${server.base}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Each GraphQL server's own cursor for the row at params.deepAfterSid (W2 pages after it). */
async function fetchCursors(servers, params, authorization) {
  const cursors = {};
  const ask = async (server, query) =>
    send(server, {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body: graphqlBody(query, { service: params.serviceSid }),
    });
  if (servers.gateway) {
    const json = await ask(servers.gateway, CURSOR_QUERIES.graphql);
    cursors.graphql = json.data.service.bindings.edges.find((e) => e.node.sid === params.deepAfterSid)?.cursor;
  }
  for (const kind of PGL_CONTENDERS) {
    if (!servers[kind]) continue;
    const json = await ask(servers[kind], CURSOR_QUERIES.postgraphile);
    cursors[kind] = json.data.serviceBySid.bindingsByServiceSidAndAccountSid.edges.find((e) => e.node.sid === params.deepAfterSid)?.cursor;
  }
  return cursors;
}

async function checkAnswers(servers, requests, expected) {
  const verdicts = {};
  for (const c of config.contenders) {
    for (const w of config.workloads) {
      if (!SUPPORTED[c].includes(w)) continue;
      try {
        const answer = normalize(c, w, await send(servers[SERVER_OF[c]], requests[c][w]));
        verdicts[`${c}.${w}`] = difference(expected[w], answer) ?? 'ok';
      } catch (err) {
        verdicts[`${c}.${w}`] = `failed: ${/** @type {Error} */ (err).message}`;
      }
      if (verdicts[`${c}.${w}`] !== 'ok') log(`ANSWER MISMATCH ${c} ${w}: ${verdicts[`${c}.${w}`]}`);
    }
  }
  const ok = Object.values(verdicts).filter((v) => v === 'ok').length;
  log(`answers: ${ok}/${Object.keys(verdicts).length} agree with SQL (same sids in the same order, same hasNextPage, same counts)`);
  return verdicts;
}

async function countStatements(servers, requests, proxy) {
  const out = {};
  for (const c of config.contenders) {
    out[c] = {};
    for (const w of config.workloads) {
      if (!SUPPORTED[c].includes(w)) continue;
      const server = servers[SERVER_OF[c]];
      for (let i = 0; i < 3; i++) await send(server, requests[c][w]).catch(() => {});
      proxy.reset();
      const n = config.statementSamples || 1;
      for (let i = 0; i < n; i++) await send(server, requests[c][w]).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
      const snap = proxy.snapshot();
      // The listener's heartbeat is the gateway's, not the request's: left out.
      snap.texts = snap.texts.filter((t) => classify(t.sql) !== 'listener');
      out[c][w] = {
        per_request: round2((snap.total - snap.listener) / n),
        data: round2(snap.data / n),
        auth: round2(snap.auth / n),
        transaction: round2(snap.transaction / n),
        session: round2(snap.session / n),
        statements: snap.texts.map((t) => ({ per_request: round2(t.n / n), sql: t.sql })),
      };
    }
    log(
      `statements per request, ${c}: ${Object.entries(out[c])
        .map(([w, s]) => `${w} ${s.per_request}`)
        .join(', ')}`,
    );
  }
  return out;
}

/**
 * One measured window: warm-up, then `duration` seconds of load with CPU and
 * memory accounting, spread over the load keys `auths`.
 */
async function measure(server, request, auths, contender, dbName) {
  const isGraphql = contender === 'graphql' || PGL_CONTENDERS.includes(contender);
  const verify = isGraphql ? (body) => !body.includes('"errors"') : (body) => body.charCodeAt(0) === 123; // '{'
  const load = (duration) => runLoad({ base: server.base, request, auths, connections: config.connections, duration, verify });
  let warmErrors = 0;
  if (config.warmup > 0) {
    const warm = await load(config.warmup);
    warmErrors = warm.result.errors + warm.result.timeouts + warm.result.non2xx + warm.result.mismatches;
  }
  const cpu0 = processCpuMs(server.pid);
  const pg0 = postgresBackendsCpu(dbName);
  const pgAll0 = postgresServerCpu();
  const rss = sampleRss([server.pid]);
  const { result, latencies, elapsed } = await load(config.duration);
  const cpu1 = processCpuMs(server.pid);
  const pgAll1 = postgresServerCpu();
  const pg1 = postgresBackendsCpu(dbName);
  const peak = rss.stop().get(server.pid);
  // processCpuMs() is null only if the server died, which the window's errors show.
  const cpuMs = /** @type {number} */ (cpu1) - /** @type {number} */ (cpu0);
  const n = latencies.length;
  const p = percentiles(latencies);
  return {
    requests: n,
    seconds: round3(elapsed),
    rps: round2(n / elapsed),
    p50_ms: round3(p.p50),
    p90_ms: round3(p.p90),
    p99_ms: round3(p.p99),
    mean_ms: round3(p.mean),
    max_ms: round3(p.max),
    cpu_ms_per_req: n ? round3(cpuMs / n) : null,
    // Whole server (includes parallel workers and anything else PostgreSQL ran meanwhile).
    pg_cpu_ms_per_req: n ? round3((pgAll1 - pgAll0) / n) : null,
    // Only the bench database's backends (steadier, but blind to parallel workers).
    pg_backend_cpu_ms_per_req: n ? round3(backendsCpuDelta(pg0, pg1) / n) : null,
    server_cpu_share: round3(cpuMs / 1000 / elapsed),
    rss_peak_mb: round2(peak),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    warmup_errors: warmErrors,
  };
}

/** W1, W2 and W7 latency (GraphQL and REST, one connection) at 10k, 100k and 1M bindings. */
async function scaleProbe(url, dbName, mainSeed) {
  log('phase C: scale probe …');
  const sizes = [];
  for (const bindings of config.scaleSizes) {
    const name = `${dbName}_scale_${bindings}`;
    let dbUrl;
    try {
      dbUrl = await ensureDatabase(url, name);
    } catch (err) {
      const { message } = /** @type {Error} */ (err);
      log(`scale probe: cannot create database ${name} (${message}); skipped`);
      return { skipped: `cannot create database ${name}: ${message}` };
    }
    const seed = await runSeed(dbUrl, sizeArgs(bindings, Math.max(20, Math.round(bindings / 10))));
    sizes.push({ bindings, dbUrl, db: name, seed });
  }
  sizes.push({ bindings: config.bindings, dbUrl: url, db: dbName, seed: mainSeed });
  sizes.sort((a, b) => a.bindings - b.bindings);
  const probes = [];
  for (const size of sizes) {
    const { seed } = size;
    const auths = authorizations(seed);
    const authorization = auths[0];
    const server = await startServer('gateway', size.dbUrl, { logName: `gateway-scale-${size.bindings}` });
    try {
      const requests = buildRequests(seed, await fetchCursors({ gateway: server }, seed, authorization), authorization);
      const expected = await withPg(size.dbUrl, (client) => expectedAnswers(client, seed));
      const row = { bindings: size.bindings, largest_service_bindings: seed.serviceBindings, database: size.db, results: {} };
      for (const [c, w] of [
        ['graphql', 'w1'],
        ['graphql', 'w2'],
        ['graphql', 'w7'],
        ['rest', 'w1'],
        ['rest', 'w2'],
      ]) {
        const verdict = difference(expected[w], normalize(c, w, await send(server, requests[c][w])));
        if (verdict) {
          row.results[`${c}.${w}`] = { error: verdict };
          continue;
        }
        await runLoad({ base: server.base, request: requests[c][w], auths, connections: 1, duration: 1 });
        const { latencies, elapsed, result } = await runLoad({
          base: server.base,
          request: requests[c][w],
          auths,
          connections: 1,
          duration: config.scaleDuration,
        });
        const p = percentiles(latencies);
        row.results[`${c}.${w}`] = {
          p50_ms: round3(p.p50),
          p99_ms: round3(p.p99),
          rps: round2(latencies.length / elapsed),
          errors: result.errors + result.non2xx,
        };
        log(`scale ${String(size.bindings).padStart(8)} ${c}.${w}: p50 ${fmt(p.p50, 3)} ms p99 ${fmt(p.p99, 3)} ms`);
      }
      probes.push(row);
    } finally {
      await server.stop();
    }
  }
  return { connections: 1, duration_s: config.scaleDuration, sizes: probes };
}

function sameVersion(start, end) {
  if (JSON.stringify(start) === JSON.stringify(end)) return start;
  log("WARNING: the gateway's code changed during the run; the phases may have run different code");
  return { ...start, changed_during_run_to: end };
}

function gitVersion() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    return { commit, uncommitted_changes_in_src_or_prisma: dirty ? dirty.split('\n').map((l) => l.trim()) : [] };
  } catch {
    return { commit: null };
  }
}

process.once('SIGINT', () => {
  log('interrupted: stopping servers');
  stopAll().finally(() => process.exit(130));
});

main().catch(async (err) => {
  log(`error: ${err.stack ?? err.message}`);
  await stopAll();
  process.exitCode = 1;
});
