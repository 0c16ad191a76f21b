// @ts-check
// `npm --prefix bench run cpu [-- w1,w5 [requests]]`
//
// CPU time the gateway's own process spends per request, in-process (no HTTP,
// no load generator): builds the app as `npm start` does on the seeded
// DATABASE_URL, with the settings of the environment (the defaults unless set,
// e.g. GRAPHQL_EXECUTOR=graphql-js; access log lines go to /dev/null), answers
// each workload's request `requests` times one after the other through
// `app.fetch`, cycling through the seed's load keys as `npm run bench` does,
// and prints user+system CPU µs per request for GraphQL and REST. A quick,
// steady signal while optimising; the side-by-side numbers that count come
// from `npm run bench`.

import { spawnSync } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { databaseUrl } from './lib/db.mjs';
import { BENCH_DIR } from './lib/servers.mjs';
import { authorizations, buildRequests, CURSOR_QUERIES, graphqlBody, perCredential, SUPPORTED } from './lib/workloads.mjs';

const [workloadList = 'w1,w2,w3,w4,w5,w6,w7', requestsArg = '2000'] = process.argv.slice(2);
const workloads = workloadList.split(',');
const requests = Number(requestsArg);

const seedRun = spawnSync(process.execPath, ['--import', 'tsx', 'seed.mjs', '--json'], {
  cwd: BENCH_DIR,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (seedRun.status !== 0) process.exit(1);
const seed = JSON.parse(/** @type {string} */ (seedRun.stdout.trim().split('\n').at(-1)));
const auths = authorizations(seed);
const authorization = auths[0];

const db = await openDatabase({ databaseUrl: databaseUrl() });
const devNull = openSync('/dev/null', 'w');
// The settings `npm start` would read from this environment (their defaults unless set).
const config = loadConfig();
const app = await createApp(
  db,
  createLogger(config.logLevel, (line) => writeSync(devNull, line)),
  {
    limits: config.limits,
    rateLimit: config.rateLimit,
    graphqlExecutor: config.graphqlExecutor,
  },
);
const base = 'http://127.0.0.1';
const send = (r) => app.fetch(new Request(base + r.path, { method: r.method, headers: r.headers, body: r.body }));

const deep = await (
  await send({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization },
    body: graphqlBody(CURSOR_QUERIES.graphql, { service: seed.serviceSid }),
  })
).json();
const cursor = deep.data.service.bindings.edges.find((e) => e.node.sid === seed.deepAfterSid)?.cursor;
const all = buildRequests(seed, { graphql: cursor }, authorization);

// Warm every path first, so the first workload measured does not pay for JIT compilation.
for (const w of workloads) {
  for (const contender of ['graphql', 'rest']) {
    if (!SUPPORTED[contender].includes(w)) continue;
    const spread = perCredential(all[contender][w], auths);
    for (let i = 0; i < Math.min(300, requests); i++) await check(await send(spread[i % spread.length]));
  }
}
const rows = [];
for (const w of workloads) {
  const row = { workload: w };
  for (const contender of ['graphql', 'rest']) {
    if (!SUPPORTED[contender].includes(w)) continue;
    const spread = perCredential(all[contender][w], auths);
    const before = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < requests; i++) await check(await send(spread[i % spread.length]));
    const cpu = process.cpuUsage(before);
    row[`${contender} µs/req`] = Math.round((cpu.user + cpu.system) / requests);
    row[`${contender} wall µs`] = Math.round(((performance.now() - started) * 1000) / requests);
  }
  rows.push(row);
}
console.table(rows);
await app.close();
await db.close();

async function check(response) {
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${response.status} ${text.slice(0, 300)}`);
}
