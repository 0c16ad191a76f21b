// @ts-check
// `npm run bench:import [-- --bindings N --users N --services N]`
//
// The `import` workload (issue 12): how fast `import:twilio` copies an account
// from a wire-compatible source. The source is a gateway (`dist/bin/main.js`)
// serving the bench data set (seeded in DATABASE_URL as `npm run bench:seed`
// does); the importer runs in this process, exactly as `npm run cli --
// import:twilio --from <source>` runs it (same TwilioSource, runImport and
// store), into a fresh database `<DATABASE_URL's>_import_target` on the same
// server. Both run on this machine. Reported: bindings per second end to end,
// CPU of the importer, the source gateway and the PostgreSQL server over the
// run, and SQL statements per page. A second run over the same data (nothing
// to change) is measured too. Writes bench/results/import.json.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { runImport } from '../src/import/run.ts';
import { TwilioSource } from '../src/import/source.ts';
import { createDirectStore } from '../src/import/store.ts';
import { databaseName, databaseUrl, withDatabase } from './lib/db.mjs';
import { postgresServerCpu, processCpuMs } from './lib/proc.mjs';
import { BENCH_DIR, checkRootInstall, startServer, stopAll } from './lib/servers.mjs';

const url = databaseUrl();
checkRootInstall();
const seedRun = spawnSync(process.execPath, ['--import', 'tsx', 'seed.mjs', '--json', ...process.argv.slice(2)], {
  cwd: BENCH_DIR,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (seedRun.status !== 0) process.exit(1);
const seed = JSON.parse(/** @type {string} */ (seedRun.stdout.trim().split('\n').at(-1)));

const targetName = `${databaseName(url)}_import_target`;
const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${targetName}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${targetName}"`);
await admin.end();

let statements = 0;
const target = await openDatabase({ databaseUrl: withDatabase(url, targetName), onQuery: () => statements++ });
await target.migrate();
const source = await startServer('gateway', url, { logName: 'import-source' });

try {
  const first = await measure('first run (empty target)');
  const second = await measure('second run (nothing to change)');
  const result = { date: new Date().toISOString(), bindings: first.summary.bindings, runs: [first, second] };
  mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(path.join(BENCH_DIR, 'results', 'import.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote bench/results/import.json\n`);
} finally {
  await target.close();
  await stopAll();
}

/** One import of the bench account from the source gateway into the target, with its CPU split. */
async function measure(label, concurrency = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 2)) {
  const importer = new TwilioSource({ from: source.base, accountSid: seed.accountSid, username: seed.accountSid, password: seed.authToken });
  const store = createDirectStore(target.prisma);
  // Where a page's time goes: reading it from the source (twilio-node included) and writing it.
  const timing = { fetchMs: 0, writeMs: 0 };
  const page = importer.page.bind(importer);
  importer.page = /** @type {typeof importer.page} */ (
    async (...args) => {
      const t0 = performance.now();
      try {
        return await page(...args);
      } finally {
        timing.fetchMs += performance.now() - t0;
      }
    }
  );
  const write = store.write;
  store.write = async (request) => {
    const t0 = performance.now();
    try {
      return await write(request);
    } finally {
      timing.writeMs += performance.now() - t0;
    }
  };
  let pages = 0;
  statements = 0;
  const before = { importer: process.cpuUsage(), source: processCpuMs(source.pid) ?? 0, postgres: postgresServerCpu() };
  const started = performance.now();
  const summary = await runImport(
    importer,
    store,
    { accountSid: seed.accountSid, actorSid: seed.accountSid, services: [], prune: false, dryRun: false, concurrency },
    {
      page: (e) => {
        pages++;
        if (pages % 100 === 0) process.stderr.write(`  ${label}: ${pages} pages, ${e.kind}\n`);
      },
      skipped: () => {},
      accountCreated: () => {},
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const importerCpu = process.cpuUsage(before.importer);
  const cpu = {
    importerS: round((importerCpu.user + importerCpu.system) / 1e6),
    sourceGatewayS: round(((processCpuMs(source.pid) ?? 0) - before.source) / 1000),
    postgresS: round((postgresServerCpu() - before.postgres) / 1000),
  };
  const bindings = summary.bindings.inserted + summary.bindings.updated + summary.bindings.unchanged;
  const run = {
    label,
    seconds: round(seconds),
    bindingsPerSecond: Math.round(bindings / seconds),
    pages,
    statementsPerPage: round(statements / pages),
    concurrency,
    fetchMsPerPage: round(timing.fetchMs / pages),
    writeMsPerPage: round(timing.writeMs / pages),
    cpu,
    summary,
  };
  process.stdout.write(
    `${label}: ${bindings.toLocaleString('en')} bindings in ${run.seconds} s = ${run.bindingsPerSecond.toLocaleString('en')} bindings/s; ` +
      `${pages} pages, ${run.statementsPerPage} statements/page, per page ${run.fetchMsPerPage} ms fetching and ${run.writeMsPerPage} ms writing; CPU s: importer ${cpu.importerS}, source ${cpu.sourceGatewayS}, postgres ${cpu.postgresS}\n`,
  );
  return run;
}

function round(n) {
  return Math.round(n * 100) / 100;
}
