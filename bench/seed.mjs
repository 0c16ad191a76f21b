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
// cannot be shown again later) and printed with the workloads' parameters,
// and so is a fresh set of LOAD_KEYS API keys the load is spread over.
// With --json the last line of stdout is one JSON object:
// {"accountSid","authToken", …parameters, "apiKeys":[{"sid","secret"}, …]}.

import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { migrate } from '../src/db/migrate.ts';
import { pgSession } from '../src/db/sql-session.ts';
import { newSid } from '../src/domain/sids.ts';
import { hashSecret, newApiKeySecret, newAuthToken } from '../src/security/secrets.ts';
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

/**
 * The gateway is measured with its default configuration, rate limit
 * included, which counts requests per credential. Like the many dashboards
 * and services of a real deployment, the load is spread over this many API
 * keys, so that no key nears the default limit at the request rates `npm run
 * bench` reaches; every key stays within the default credential cache.
 */
export const LOAD_KEYS = 1000;
const LOAD_KEY_NAME = 'bench load key';

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
    const apiKeys = await issueLoadKeys(client, plan.account.sid);
    const params = await workloadParams(client, plan);
    const seconds = (Date.now() - started) / 1000;
    // params.accountSid is plan.account.sid; it stays the first key of the JSON line.
    const { accountSid, ...workload } = params;
    const summary = { accountSid, authToken, dataset: plan.label, loaded, seconds, ...workload, apiKeys };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        [
          '',
          `Bench data set ${plan.label} in ${databaseName(url)} (${loaded ? `loaded in ${seconds.toFixed(1)} s` : 'already there'})`,
          `  AccountSid   ${plan.account.sid}`,
          `  AuthToken    ${authToken}   (new for this run; only its hash is stored)`,
          `  API keys     ${apiKeys.length} issued for the load, e.g. ${apiKeys[0]?.sid}:${apiKeys[0]?.secret}`,
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

/** Replaces the previous run's load keys with LOAD_KEYS fresh ones; returns their secrets. */
async function issueLoadKeys(client, accountSid) {
  const keys = Array.from({ length: LOAD_KEYS }, () => ({ sid: newSid('SK'), secret: newApiKeySecret() }));
  await client.query('BEGIN');
  try {
    await client.query('DELETE FROM api_keys WHERE account_sid = $1 AND friendly_name = $2', [accountSid, LOAD_KEY_NAME]);
    await client.query(
      `INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created, date_updated)
       SELECT sid, $1, $2, hash, now(), now() FROM unnest($3::text[], $4::text[]) AS k(sid, hash)`,
      [accountSid, LOAD_KEY_NAME, keys.map((k) => k.sid), keys.map((k) => hashSecret(k.secret))],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  return keys;
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
