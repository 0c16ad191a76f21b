// @ts-check
// `npm run bench:seed [-- --json] [-- --force] [-- --bindings N --users N --services N]`
//
// Fills the PostgreSQL database named by DATABASE_URL with the benchmark's
// synthetic data set (default 1,000,000 bindings over 100,000 users and 20
// services, the largest holding ~30%): schema through the project's own
// migrations, rows through COPY in one transaction, then VACUUM ANALYZE.
// Idempotent: when the bench account already holds the expected number of
// bindings nothing is loaded (`--force` rebuilds). Either way a fresh auth
// token is issued for the bench account (only its hash is stored, so it
// cannot be shown again later) and printed with the workloads' parameters.
// With --json the last line of stdout is one JSON object:
// {"accountSid","authToken", …parameters}.

import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { migrate } from '../src/db/migrate.ts';
import { pgSession } from '../src/db/sql-session.ts';
import { hashSecret, newAuthToken } from '../src/security/secrets.ts';
import { BINDING_COLUMNS, bindingCopyChunks, DEFAULT_SIZES, generateUsers, planDataset, USER_COLUMNS, userCopyChunks } from './lib/dataset.mjs';
import { databaseName, databaseUrl } from './lib/db.mjs';
import { workloadParams } from './lib/params.mjs';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    bindings: { type: 'string' },
    users: { type: 'string' },
    services: { type: 'string' },
  },
  strict: true,
});

const log = (msg) => process.stderr.write(`${msg}\n`);

async function main() {
  const url = databaseUrl();
  const sizes = {
    bindings: intArg(args.bindings, DEFAULT_SIZES.bindings),
    users: intArg(args.users, DEFAULT_SIZES.users),
    services: intArg(args.services, DEFAULT_SIZES.services),
  };
  const plan = planDataset(sizes);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    await client.query('SET statement_timeout = 0');
    const applied = await migrate(pgSession(client));
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);

    const existing = await client.query('SELECT 1 FROM accounts WHERE sid = $1', [plan.account.sid]);
    let loaded = false;
    if (existing.rowCount && !args.force) {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM bindings WHERE account_sid = $1', [plan.account.sid]);
      if (rows[0].n === plan.sizes.bindings) {
        log(`bench data (${plan.label}) already in ${databaseName(url)}: ${rows[0].n.toLocaleString('en-US')} bindings; nothing to load (--force rebuilds)`);
      } else {
        log(`bench account holds ${rows[0].n} bindings instead of ${plan.sizes.bindings}: rebuilding`);
        await load(client, plan, true);
        loaded = true;
      }
    } else {
      await load(client, plan, Boolean(existing.rowCount));
      loaded = true;
    }
    if (loaded) {
      const t = Date.now();
      log('VACUUM ANALYZE …');
      await client.query('VACUUM (ANALYZE) accounts, credentials, services, users, bindings');
      log(`VACUUM ANALYZE done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }

    // A fresh token every run: the benchmark needs one, and only hashes are stored.
    const authToken = newAuthToken();
    await client.query('UPDATE accounts SET auth_token_hash = $2, date_updated = now() WHERE sid = $1', [plan.account.sid, hashSecret(authToken)]);
    const params = await workloadParams(client, plan);
    const seconds = (Date.now() - started) / 1000;
    // params.accountSid is plan.account.sid; it stays the first key of the JSON line.
    const { accountSid, ...workload } = params;
    const summary = { accountSid, authToken, dataset: plan.label, loaded, seconds, ...workload };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        [
          '',
          `Bench data set ${plan.label} in ${databaseName(url)} (${loaded ? `loaded in ${seconds.toFixed(1)} s` : 'already there'})`,
          `  AccountSid   ${plan.account.sid}`,
          `  AuthToken    ${authToken}   (new for this run; only its hash is stored)`,
          `  Largest service ${params.serviceSid}: ${params.serviceBindings.toLocaleString('en-US')} bindings`,
          `  W3 identity  ${params.identity} (${params.identityBindings} bindings)`,
          `  W5 binding   ${params.bindingSid}`,
          `  W2 after sid ${params.deepAfterSid} (${100} rows follow it)`,
          `  curl -u ${plan.account.sid}:${authToken} 'http://127.0.0.1:4000/v2/Services/${params.serviceSid}/Bindings?PageSize=2'`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    await client.end();
  }
}

/** Deletes a previous bench account of this size (if any) and loads the data set, in one transaction. */
async function load(client, plan, replace) {
  const t0 = Date.now();
  const users = generateUsers(plan);
  const total = plan.sizes.bindings + users.count;
  const progress = makeProgress(total, `loading ${plan.label}`);
  await client.query('BEGIN');
  try {
    if (replace) {
      log('deleting the previous bench account …');
      await client.query('DELETE FROM bindings WHERE account_sid = $1', [plan.account.sid]);
      await client.query('DELETE FROM accounts WHERE sid = $1', [plan.account.sid]);
    }
    const { account, credentials, services } = plan;
    await client.query(
      `INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created, date_updated)
       VALUES ($1, $2, $3, '2024-10-01', '2024-10-01')`,
      [account.sid, account.friendlyName, hashSecret(newAuthToken())],
    );
    for (const c of credentials) {
      await client.query(
        `INSERT INTO credentials (sid, account_sid, friendly_name, type, sandbox, date_created, date_updated)
         VALUES ($1, $2, $3, $4, $5, '2024-10-02', '2024-10-02')`,
        [c.sid, account.sid, c.friendlyName, c.type, c.sandbox],
      );
    }
    for (const s of services) {
      await client.query(
        `INSERT INTO services (sid, account_sid, friendly_name, date_created, date_updated)
         VALUES ($1, $2, $3, '2024-10-03', '2024-10-03')`,
        [s.sid, account.sid, s.friendlyName],
      );
    }
    progress.start();
    await copy(client, `COPY users (${USER_COLUMNS}) FROM STDIN`, userCopyChunks(plan, users), progress);
    await copy(client, `COPY bindings (${BINDING_COLUMNS}) FROM STDIN`, bindingCopyChunks(plan, users), progress);
    await client.query('COMMIT');
    progress.stop();
  } catch (err) {
    progress.stop();
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  log(
    `loaded ${users.count.toLocaleString('en-US')} users and ${plan.sizes.bindings.toLocaleString('en-US')} bindings in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function copy(client, sql, chunks, progress) {
  const stream = client.query(copyStreams.from(sql));
  const failed = new Promise((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  for (const chunk of chunks) {
    if (!stream.write(chunk.text)) await Promise.race([once(stream, 'drain'), failed]);
    progress.add(chunk.rows);
  }
  stream.end();
  await Promise.race([finished(stream), failed]);
}

/** A progress bar on a terminal; a line every 10% otherwise (CI logs, pipes). */
function makeProgress(total, label) {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let done = 0;
    return {
      start: () => bar.start(total, 0),
      add: (n) => bar.update((done += n)),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let nextTenth = 1;
  const t0 = Date.now();
  return {
    start: () => log(`${label}: ${total.toLocaleString('en-US')} rows`),
    add(n) {
      done += n;
      while (done >= (total * nextTenth) / 10) {
        log(`${label}: ${nextTenth * 10}% (${done.toLocaleString('en-US')} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        nextTenth++;
      }
    },
    stop: () => {},
  };
}

function intArg(value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a positive integer: ${value}`);
  return n;
}

main().catch((err) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exitCode = 1;
});
