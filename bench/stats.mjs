// @ts-check
// `npm run bench:stats` — W8, the binding statistics of the largest service
// (300,000 bindings), unfiltered: the gateway's `bindingStats` against
// PostGraphile v5 with @graphile/pg-aggregates and the raw SQL handler, on the
// same database in one run. Answers are first checked against plain GROUP BY
// statements (timed too: the hand-written baseline without counters). Then
// each contender is asked one request at a time (pure latency, no queueing):
// BENCH_STATS_SECONDS (3) of requests for the gateway and raw, and
// BENCH_STATS_SLOW_REQUESTS (3) for PostGraphile, whose answer takes seconds.
// Writes bench/results/stats.json (rendered into RESULTS.md by `npm --prefix
// bench run report`) and prints it on stdout.
//
// env: DATABASE_URL (seeded like `npm run bench:seed`; seeds when needed), BENCH_STATS_SECONDS, BENCH_STATS_SLOW_REQUESTS

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl } from './lib/db.mjs';
import { percentiles } from './lib/load.mjs';
import { BENCH_DIR, checkRootInstall, startServer, stopAll } from './lib/servers.mjs';
import { authorizations, buildRequests, difference, normalize, perCredential, statsBySql } from './lib/workloads.mjs';

const log = (msg) => process.stderr.write(`[bench:stats ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const seconds = Number(process.env.BENCH_STATS_SECONDS ?? 3);
const slowRequests = Number(process.env.BENCH_STATS_SLOW_REQUESTS ?? 3);
const round3 = (x) => Math.round(x * 1000) / 1000;

/** seed.mjs --json (loads nothing when the data is there; issues a fresh token). */
function runSeed(url) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'seed.mjs', '--json'], {
      cwd: BENCH_DIR,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(/** @type {string} */ (out.trim().split('\n').at(-1)))) : reject(new Error(`seed exit ${code}`)),
    );
  });
}

async function send(server, request) {
  const res = await fetch(`${server.base}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text);
  if (json.errors) throw new Error(`errors: ${text.slice(0, 300)}`);
  return json;
}

/** Sequential requests, cycling through `requests`: for `seconds`, or `count` of them; latencies in ms. */
async function sequential(server, requests, { seconds: s = 0, count = 0 }) {
  const latencies = [];
  const until = performance.now() + s * 1000;
  while (count ? latencies.length < count : performance.now() < until) {
    const start = performance.now();
    await send(server, requests[latencies.length % requests.length]);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

async function main() {
  checkRootInstall();
  const url = databaseUrl();
  log('seed (skipped when already seeded) …');
  const params = await runSeed(url);
  const auths = authorizations(params);
  const authorization = auths[0];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sqlTimes = [];
  let expected;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    expected = await statsBySql(client, params.serviceSid);
    sqlTimes.push(performance.now() - start);
  }
  await client.end();
  log(`GROUP BY baseline (6 statements, sequential): ${sqlTimes.map((t) => t.toFixed(0)).join(', ')} ms`);

  const servers = {
    gateway: await startServer('gateway', url),
    postgraphile: await startServer('postgraphile', url),
    raw: await startServer('raw', url),
  };
  const requests = buildRequests(params, { graphql: '', postgraphile: '' }, authorization);
  const contenders = /** @type {const} */ ([
    ['graphql', servers.gateway],
    ['raw', servers.raw],
    ['postgraphile', servers.postgraphile],
  ]);
  const out = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
    load_average: os.loadavg().map(round3),
    config: { seconds, slow_requests: slowRequests },
    service_bindings: params.serviceBindings,
    group_by_ms: sqlTimes.map(round3),
    contenders: {},
  };
  let failed = false;
  for (const [name, server] of contenders) {
    const request = requests[name].w8;
    const answer = normalize(name, 'w8', await send(server, request));
    const diff = difference(expected, answer);
    const staleDiff = answer.staleness.map((n, i) => n - expected.staleness[i]);
    if (diff) failed = true;
    log(`${name}: answer ${diff ?? 'agrees with GROUP BY'}; staleness − SQL's: ${staleDiff.join(', ')}`);
    const slow = name === 'postgraphile';
    const spread = perCredential(request, auths);
    if (!slow) await sequential(server, spread, { count: 50 }); // warm-up
    const latencies = await sequential(server, spread, slow ? { count: slowRequests } : { seconds });
    const p = percentiles(latencies);
    out.contenders[name] = { answer: diff ?? 'ok', staleness_minus_sql: staleDiff, requests: latencies.length, ...p };
    log(`${name}: ${latencies.length} requests, p50 ${p.p50?.toFixed(2)} ms, p90 ${p.p90?.toFixed(2)} ms, p99 ${p.p99?.toFixed(2)} ms`);
  }
  // For scale: the gateway's cheapest GraphQL request on the same service (W7, totalCount), and raw's, asked the same way.
  out.w7 = {};
  for (const [name, server] of contenders.slice(0, 2)) {
    const spread = perCredential(requests[name].w7, auths);
    await sequential(server, spread, { count: 50 });
    const p = percentiles(await sequential(server, spread, { seconds }));
    out.w7[name] = p;
    log(`${name} W7 (totalCount, for scale): p50 ${p.p50?.toFixed(2)} ms, p90 ${p.p90?.toFixed(2)} ms`);
  }
  await stopAll();
  mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(path.join(BENCH_DIR, 'results', 'stats.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
  if (failed) process.exitCode = 1;
}

main().catch(async (err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  await stopAll();
  process.exit(1);
});
