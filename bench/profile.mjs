// @ts-check
// `npm --prefix bench run profile -- <contender> <workload> [seconds] [NAME=value …]`
// e.g. `npm --prefix bench run profile -- graphql w1 10 GRAPHQL_EXECUTOR=graphql-js`
//
// Starts one contender's server with `node --cpu-prof` (NAME=value: settings
// for it, e.g. to compare a default with its alternative), loads one workload
// on the seeded DATABASE_URL (10 connections), stops the server so V8 writes
// the profile to bench/.profiles/, and prints where the server's CPU went:
// self time by package/file and the hottest functions; a flame graph of it is
// written next to it (.svg). Open the .cpuprofile in Chrome DevTools
// (Performance) or speedscope for the full picture.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrl } from './lib/db.mjs';
import { flameGraphSvg } from './lib/flame.mjs';
import { runLoad } from './lib/load.mjs';
import { BENCH_DIR, checkRootInstall, startServer } from './lib/servers.mjs';
import { authorizations, buildRequests, CURSOR_QUERIES, graphqlBody, SUPPORTED } from './lib/workloads.mjs';

const [contender = 'graphql', workload = 'w1', seconds = '10', ...settings] = process.argv.slice(2);
const serverEnv = Object.fromEntries(settings.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]));
if (!SUPPORTED[contender]?.includes(workload)) {
  process.stderr.write(`usage: profile.mjs <graphql|rest|postgraphile|raw> <w1…w7> [seconds] [NAME=value …]\n`);
  process.exit(2);
}
checkRootInstall();
const url = databaseUrl();
const seedRun = spawnSync(process.execPath, ['--import', 'tsx', 'seed.mjs', '--json'], {
  cwd: BENCH_DIR,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (seedRun.status !== 0) process.exit(1);
const seed = JSON.parse(/** @type {string} */ (seedRun.stdout.trim().split('\n').at(-1)));
const auths = authorizations(seed);
const authorization = auths[0];

const kind = contender === 'graphql' || contender === 'rest' ? 'gateway' : contender;
const dir = path.join(BENCH_DIR, '.profiles');
const before = new Set(safeList(dir));
const server = await startServer(kind, url, { logName: `${kind}-profile`, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], env: serverEnv });
try {
  const cursors = {};
  if (kind !== 'raw') {
    const isOurs = kind === 'gateway';
    const res = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body: graphqlBody(isOurs ? CURSOR_QUERIES.graphql : CURSOR_QUERIES.postgraphile, { service: seed.serviceSid }),
    });
    const json = await res.json();
    const edges = isOurs ? json.data.service.bindings.edges : json.data.serviceBySid.bindingsByServiceSidAndAccountSid.edges;
    cursors[isOurs ? 'graphql' : 'postgraphile'] = edges.find((e) => e.node.sid === seed.deepAfterSid)?.cursor;
  }
  const request = buildRequests(seed, cursors, authorization)[contender][workload];
  await runLoad({ base: server.base, request, auths, connections: 10, duration: 2 });
  const { latencies, elapsed } = await runLoad({ base: server.base, request, auths, connections: 10, duration: Number(seconds) });
  process.stderr.write(`${contender} ${workload}: ${(latencies.length / elapsed).toFixed(0)} req/s under the profiler\n`);
} finally {
  await server.stop();
}

const file = safeList(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
if (!file) {
  process.stderr.write('no profile written (did the server exit cleanly?)\n');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
report(profile, path.join(dir, file));
const svg = path.join(dir, file.replace(/\.cpuprofile$/, '.svg'));
const label = [contender, workload, ...settings].join(' ');
writeFileSync(svg, flameGraphSvg(profile, `${label}: CPU of the server process over ${seconds} s of load (${new Date().toISOString().slice(0, 10)})`));
process.stdout.write(`\nflame graph: ${svg}\n`);

function safeList(d) {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

function report(profile, where) {
  const dt = new Map();
  const { samples, timeDeltas, nodes } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  let total = 0;
  const byPackage = new Map();
  const byFunction = new Map();
  for (const [id, us] of dt) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(`\nprofile: ${where}\n\nself time by package / area:\n`);
  for (const [k, us] of top(byPackage, 25)) process.stdout.write(`  ${pct(us)}  ${k}\n`);
  process.stdout.write('\nhottest functions (self time):\n');
  for (const [k, us] of top(byFunction, 30)) process.stdout.write(`  ${pct(us)}  ${k}\n`);
}

function packageOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const src = /\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  return src ? src[1] : shortUrl(url);
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/main\//, '');
}
