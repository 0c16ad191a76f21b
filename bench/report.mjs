// @ts-check
// Summaries, ratios and target checks over the raw round results, and the
// RESULTS.md rendering. `npm --prefix bench run report` re-renders RESULTS.md
// from results/latest.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { xml } from './lib/svg.mjs';

const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r3 = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);
const spread = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  return s.length ? { median: r3(median(s)), min: r3(Math.min(...s)), max: r3(Math.max(...s)), n: s.length } : null;
};

const METRICS = ['rps', 'p50_ms', 'p90_ms', 'p99_ms', 'cpu_ms_per_req', 'pg_cpu_ms_per_req', 'pg_backend_cpu_ms_per_req', 'rss_peak_mb'];

/** Ratio of two contenders' metric, round by round (only ratios from the same round count). */
function perRound(rounds, w, a, b, metric = 'rps', fn = (x, y) => x / y) {
  return rounds.map((r) => {
    const x = r.results[w]?.[a]?.[metric];
    const y = r.results[w]?.[b]?.[metric];
    return x && y ? fn(x, y) : null;
  });
}

export function summarize(results) {
  const rounds = results.round_results;
  const workloads = Object.keys(results.workloads);
  const summary = {};
  for (const w of workloads) {
    summary[w] = {};
    const contenders = new Set(rounds.flatMap((r) => Object.keys(r.results[w] ?? {})));
    for (const c of contenders) {
      const runs = rounds.map((r) => r.results[w]?.[c]).filter(Boolean);
      const s = {};
      for (const m of METRICS) s[m] = spread(runs.map((x) => x[m]));
      s.total_cpu_ms_per_req = spread(runs.map((x) => (x.cpu_ms_per_req ?? 0) + (x.pg_cpu_ms_per_req ?? 0)));
      s.errors = runs.reduce((n, x) => n + x.errors, 0);
      s.non2xx = runs.reduce((n, x) => n + x.non2xx, 0);
      s.mismatches = runs.reduce((n, x) => n + x.mismatches, 0);
      s.requests = runs.reduce((n, x) => n + x.requests, 0);
      s.statements_per_request = results.statements?.[c]?.[w]?.per_request ?? null;
      summary[w][c] = s;
    }
  }

  const ranges = {
    graphql_vs_postgraphile: {},
    graphql_vs_postgraphile_rls: {},
    graphql_vs_raw: {},
    rest_vs_raw: {},
    cpu_graphql_vs_postgraphile: {},
    cpu_graphql_vs_postgraphile_rls: {},
    cpu_rest_vs_raw: {},
  };
  const totalCpu = (x, y) => x / y;
  for (const w of workloads) {
    ranges.graphql_vs_postgraphile[w] = spread(perRound(rounds, w, 'graphql', 'postgraphile'));
    ranges.graphql_vs_postgraphile_rls[w] = spread(perRound(rounds, w, 'graphql', 'postgraphile_rls'));
    ranges.graphql_vs_raw[w] = spread(perRound(rounds, w, 'graphql', 'raw'));
    ranges.rest_vs_raw[w] = spread(perRound(rounds, w, 'rest', 'raw'));
    // CPU per request (server + Postgres), ours / theirs: below 1 means cheaper.
    const cpu = (c) =>
      rounds.map((r) => {
        const x = r.results[w]?.[c];
        return x ? (x.cpu_ms_per_req ?? 0) + (x.pg_cpu_ms_per_req ?? 0) : null;
      });
    const ours = cpu('graphql');
    const pgl = cpu('postgraphile');
    const pglRls = cpu('postgraphile_rls');
    const rest = cpu('rest');
    const raw = cpu('raw');
    ranges.cpu_graphql_vs_postgraphile[w] = spread(ours.map((x, i) => (x && pgl[i] ? totalCpu(x, pgl[i]) : null)));
    ranges.cpu_graphql_vs_postgraphile_rls[w] = spread(ours.map((x, i) => (x && pglRls[i] ? totalCpu(x, pglRls[i]) : null)));
    ranges.cpu_rest_vs_raw[w] = spread(rest.map((x, i) => (x && raw[i] ? totalCpu(x, raw[i]) : null)));
  }
  const p50Ratio = (c) =>
    spread(
      rounds.map((r) => {
        const a = r.results.w2?.[c]?.p50_ms;
        const b = r.results.w1?.[c]?.p50_ms;
        return a && b ? a / b : null;
      }),
    );
  ranges.w7_vs_postgraphile = ranges.graphql_vs_postgraphile.w7 ?? null;
  ranges.w2_p50_over_w1_p50 = p50Ratio('graphql');
  ranges.rest_w2_p50_over_w1_p50 = p50Ratio('rest');
  for (const key of Object.keys(ranges)) {
    if (ranges[key] && typeof ranges[key] === 'object' && !('median' in ranges[key])) {
      for (const w of Object.keys(ranges[key])) if (ranges[key][w] === null) delete ranges[key][w];
    }
  }

  const medians = (obj) => (obj && 'median' in obj ? obj.median : obj ? Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, v?.median ?? null])) : null);
  const ratios = Object.fromEntries(Object.entries(ranges).map(([k, v]) => [k, medians(v)]));

  const gatewayRss = Math.max(
    results.peak_rss_by_server_mb?.gateway ?? 0,
    ...rounds.flatMap((r) => Object.values(r.results).flatMap((byC) => ['graphql', 'rest'].map((c) => byC[c]?.rss_peak_mb ?? 0))),
  );
  let errors = 0;
  for (const r of rounds) for (const byC of Object.values(r.results)) for (const m of Object.values(byC)) errors += m.errors + m.non2xx + m.mismatches;
  const gatewayErrors = rounds.reduce(
    (n, r) =>
      n +
      Object.values(r.results).reduce(
        (k, byC) => k + ['graphql', 'rest'].reduce((j, c) => j + (byC[c] ? byC[c].errors + byC[c].non2xx + byC[c].mismatches : 0), 0),
        0,
      ),
    0,
  );

  const statements = { w6: results.statements?.graphql?.w6?.per_request ?? null };
  statements.by_contender = Object.fromEntries(
    Object.entries(results.statements ?? {}).map(([c, byW]) => [c, Object.fromEntries(Object.entries(byW).map(([w, s]) => [w, s.per_request]))]),
  );
  statements.w6_without_auth = results.statements?.graphql?.w6 ? results.statements.graphql.w6.per_request - results.statements.graphql.w6.auth : null;

  // Every target is listed, measured or not: `met` is null when a contender or workload was not run.
  const targets = [];
  const target = (name, measured, goal, met, distance) => targets.push({ name, goal, measured, met, distance: met ? null : distance });
  const atLeast = (name, x, goal) => {
    const label = `≥ ${goal < 10 ? goal.toFixed(1) : goal}×`;
    if (x) target(name, x, label, x.median >= goal, `${r3(goal / x.median)}× more req/s needed`);
    else target(name, null, label, null, null);
  };
  // Issue 15: at least even with the bare PostGraphile, well ahead of the one a team would deploy (auth + RLS).
  for (const w of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) {
    atLeast(`GraphQL ${w.toUpperCase()} req/s vs bare PostGraphile`, ranges.graphql_vs_postgraphile[w], 1);
  }
  for (const w of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) {
    atLeast(`GraphQL ${w.toUpperCase()} req/s vs deployed PostGraphile (auth + RLS)`, ranges.graphql_vs_postgraphile_rls[w], 1.5);
  }
  for (const w of ['w1', 'w3', 'w5']) atLeast(`REST ${w.toUpperCase()} req/s vs raw`, ranges.rest_vs_raw[w], 0.7);
  const p50 = ranges.w2_p50_over_w1_p50;
  if (p50) target('GraphQL W2 p50 / W1 p50', p50, '≤ 1.1', p50.median <= 1.1, `W2 p50 ${r3(p50.median / 1.1)}× too slow`);
  else target('GraphQL W2 p50 / W1 p50', null, '≤ 1.1', null, null);
  atLeast('GraphQL W7 req/s vs bare PostGraphile', ranges.w7_vs_postgraphile, 20);
  if (statements.w6 !== null)
    target('W6 SQL statements per request (gateway, GraphQL)', statements.w6, '≤ 2', statements.w6 <= 2, `${r3(statements.w6 - 2)} statements too many`);
  else target('W6 SQL statements per request (gateway, GraphQL)', null, '≤ 2', null, null);
  if (gatewayRss) target('gateway peak RSS (MB)', r3(gatewayRss), '≤ 250', gatewayRss <= 250, `${r3(gatewayRss - 250)} MB over`);
  else target('gateway peak RSS (MB)', null, '≤ 250', null, null);
  target('errors + non-2xx under load (all contenders)', errors, '0', errors === 0, `${errors} failed responses (gateway: ${gatewayErrors})`);

  return {
    summary,
    ratios,
    ratio_ranges: ranges,
    statements_per_request: statements,
    peak_rss_mb: r3(gatewayRss),
    errors,
    gateway_errors: gatewayErrors,
    targets,
  };
}

const f = (x, d = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
const range = (s, d = 2, suffix = '') => (s ? `${f(s.median, d)}${suffix} (${f(s.min, d)}–${f(s.max, d)})` : '–');
const num = (x) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));

export function renderMarkdown(r) {
  const L = [];
  const cfg = r.config;
  L.push('# Benchmark results');
  L.push('');
  L.push(`Produced by \`npm run bench\` (see [README.md](README.md) for what is measured and how) on ${r.date.slice(0, 16).replace('T', ' ')} UTC.`);
  L.push(`Raw numbers: [results/latest.json](results/latest.json).`);
  L.push('');
  L.push(
    `- **Machine:** ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memory_gb} GB, ${r.machine.os}, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}. Shared and noisy: load generator, servers and PostgreSQL share the same ${r.machine.cpus} cores.`,
  );
  L.push(
    `- **Gateway:** commit ${r.gateway_version?.commit ?? '?'}${r.gateway_version?.uncommitted_changes_in_src_or_prisma?.length ? ` plus uncommitted changes (${r.gateway_version.uncommitted_changes_in_src_or_prisma.join('; ')})` : ''}.`,
  );
  L.push(
    `- **Data:** ${num(r.dataset.bindings)} bindings, ${num(r.dataset.users)} users, ${r.dataset.services} services; the largest service holds ${num(r.dataset.largest_service.bindings)}.`,
  );
  L.push(
    `- **Load:** autocannon, ${cfg.connections} connections on loopback, ${cfg.warmup} s warm-up then ${cfg.duration} s measured per contender and workload; ${r.rounds} rounds, contenders interleaved (order rotated each round). Total run time ${Math.round(r.runtime_seconds / 60)} min.`,
  );
  L.push(
    `- **Answers:** ${Object.values(r.correctness).filter((v) => v === 'ok').length}/${Object.keys(r.correctness).length} contender × workload pairs returned the same sids (same order, same hasNextPage) and counts as direct SQL, before measuring.`,
  );
  L.push('');

  L.push('## Targets');
  L.push('');
  L.push('Medians over rounds, with min–max; ratios are taken within one round.');
  L.push('');
  L.push('| Target | Goal | Measured | Met? |');
  L.push('| --- | --- | --- | --- |');
  for (const t of r.targets) {
    const measured =
      typeof t.measured === 'object' && t.measured ? range(t.measured, 2, '') : Number.isInteger(t.measured) ? String(t.measured) : f(t.measured, 1);
    const verdict = t.met === null || t.met === undefined ? 'not measured' : t.met ? 'met' : `**missed**: ${t.distance}`;
    L.push(`| ${t.name} | ${t.goal} | ${measured} | ${verdict} |`);
  }
  L.push('');

  L.push('## Ratios (same run, per round; median (min–max))');
  L.push('');
  L.push('req/s ratios above 1 favour the gateway; CPU ratios (server + PostgreSQL CPU time per request) below 1 favour the gateway.');
  L.push('');
  const ws = Object.keys(r.workloads);
  L.push(`| Ratio | ${ws.map((w) => w.toUpperCase()).join(' | ')} |`);
  L.push(`| --- | ${ws.map(() => '---').join(' | ')} |`);
  const rows = [
    ['GraphQL / PostGraphile req/s', 'graphql_vs_postgraphile'],
    ['GraphQL / deployed PostGraphile (auth + RLS) req/s', 'graphql_vs_postgraphile_rls'],
    ['GraphQL / raw req/s', 'graphql_vs_raw'],
    ['REST / raw req/s', 'rest_vs_raw'],
    ['GraphQL / PostGraphile CPU per request', 'cpu_graphql_vs_postgraphile'],
    ['GraphQL / deployed PostGraphile CPU per request', 'cpu_graphql_vs_postgraphile_rls'],
    ['REST / raw CPU per request', 'cpu_rest_vs_raw'],
  ];
  for (const [label, key] of rows) L.push(`| ${label} | ${ws.map((w) => range(r.ratio_ranges[key]?.[w])).join(' | ')} |`);
  L.push('');
  L.push(`W2 p50 / W1 p50: GraphQL ${range(r.ratio_ranges.w2_p50_over_w1_p50)}, REST ${range(r.ratio_ranges.rest_w2_p50_over_w1_p50)}.`);
  L.push('');

  L.push('## Per workload (medians over rounds)');
  L.push('');
  L.push(
    "CPU columns are milliseconds of CPU time per request: the server process (utime + stime from /proc) and the whole PostgreSQL server (every `postgres` process, including parallel workers reaped by the postmaster; in results/latest.json `pg_backend_cpu_ms_per_req` counts only the bench database's backends). RSS is the server process's peak resident set during the window. SQL is statements per request counted on the wire.",
  );
  for (const w of ws) {
    L.push('');
    L.push(`### ${w.toUpperCase()}: ${r.workloads[w]}`);
    L.push('');
    if (Object.keys(r.summary[w] ?? {}).length) L.push(`![${w.toUpperCase()}](results/${w}.svg)`, '');
    L.push('| Contender | req/s (min–max) | p50 ms | p99 ms | server CPU ms/req | PG CPU ms/req | peak RSS MB | SQL/req | errors + non-2xx |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [c, s] of Object.entries(r.summary[w] ?? {})) {
      L.push(
        `| ${c} | ${num(s.rps?.median)} (${num(s.rps?.min)}–${num(s.rps?.max)}) | ${f(s.p50_ms?.median, 2)} | ${f(s.p99_ms?.median, 2)} | ${f(s.cpu_ms_per_req?.median, 3)} | ${f(s.pg_cpu_ms_per_req?.median, 3)} | ${f(s.rss_peak_mb?.max, 0)} | ${f(s.statements_per_request, 1)} | ${s.errors + s.non2xx + s.mismatches} |`,
      );
    }
  }
  L.push('');

  L.push('## SQL statements per request');
  L.push('');
  L.push(
    'Counted by a protocol-reading proxy between each contender and PostgreSQL (one Query or Execute message = one statement), over ' +
      `${cfg.statementSamples} sequential requests after 3 warm-up requests. "auth" is a credential lookup (none once cached), ` +
      '"tx" BEGIN/COMMIT and "settings" `set_config` (the deployed PostGraphile runs each request in a transaction as the tenant role): real round trips, counted in the total.',
  );
  L.push('');
  L.push(`| Contender | ${ws.map((w) => w.toUpperCase()).join(' | ')} |`);
  L.push(`| --- | ${ws.map(() => '---').join(' | ')} |`);
  const parts = (s) =>
    [
      ['auth', s.auth],
      ['tx', s.transaction],
      ['settings', s.session],
    ]
      .filter(([, n]) => n)
      .map(([k, n]) => `${f(n, n % 1 ? 1 : 0)} ${k}`)
      .join(', ');
  for (const [c, byW] of Object.entries(r.statements ?? {})) {
    L.push(`| ${c} | ${ws.map((w) => (byW[w] ? `${f(byW[w].per_request, 1)}${parts(byW[w]) ? ` (${parts(byW[w])})` : ''}` : '–')).join(' | ')} |`);
  }
  for (const [title, counted] of [
    ["The gateway's W6 statements:", r.statements?.graphql?.w6],
    ["The deployed PostGraphile's W1 statements:", r.statements?.postgraphile_rls?.w1],
  ]) {
    if (!counted) continue;
    L.push('', title, '');
    for (const s of counted.statements) L.push(`- ${f(s.per_request, 1)} × \`${s.sql.slice(0, 220)}${s.sql.length > 220 ? '…' : ''}\``);
  }
  L.push('');

  if (r.scale?.sizes) {
    L.push('## Scale check (gateway only, 1 connection)');
    L.push('');
    L.push(
      `Latency of the same operations on three databases of the same shape (largest service = 30% of the bindings), ${r.scale.duration_s} s per probe after 1 s of warm-up, one connection (no queueing). p50 / p99 in ms.`,
    );
    L.push('');
    const keys = Object.keys(r.scale.sizes[0]?.results ?? {});
    L.push(`| Bindings (largest service) | ${keys.join(' | ')} |`);
    L.push(`| --- | ${keys.map(() => '---').join(' | ')} |`);
    for (const s of r.scale.sizes) {
      L.push(
        `| ${num(s.bindings)} (${num(s.largest_service_bindings)}) | ${keys.map((k) => (s.results[k]?.error ? 'answer differs' : `${f(s.results[k]?.p50_ms, 2)} / ${f(s.results[k]?.p99_ms, 2)}`)).join(' | ')} |`,
      );
    }
    L.push('');
  } else if (r.scale?.skipped) {
    L.push(`Scale check skipped: ${r.scale.skipped}`);
    L.push('');
  }

  const bad = Object.entries(r.correctness).filter(([, v]) => v !== 'ok');
  if (bad.length) {
    L.push('## Answer mismatches (not measured)');
    L.push('');
    for (const [k, v] of bad) L.push(`- ${k}: ${v}`);
    L.push('');
  }
  const imported = importSection();
  if (imported) L.push(imported, '');
  const stats = statsSection();
  if (stats) L.push(stats, '');
  const changes = changesSection();
  if (changes) L.push(changes.trim(), '');
  L.push('## Caveats');
  L.push('');
  L.push(
    '- The bare PostGraphile (`postgraphile`) runs without authentication or row-level security, and the raw handler without authentication, tenant scoping, GraphQL or Twilio bodies: the gateway authenticates every request (a credential seen before comes from its cache, kept exact by NOTIFY; a new one costs one SQL lookup plus an HMAC) and scopes every query to the account.',
  );
  L.push(
    '- The deployed PostGraphile (`postgraphile_rls`) checks the same Basic credentials (a verified header cached 60 s, so a revoked key works until then) and runs every request in a transaction as a tenant role under row-level security (`BEGIN`, `set_config`, the query, `COMMIT`); the policies filter on `account_sid`, or through `services` for tables without it.',
  );
  L.push(
    '- The raw handler is the physical ceiling for each answer (one prepared statement, rows → JSON.stringify); it reads W7 from the maintained `binding_counts` table when that exists.',
  );
  L.push('- PostGraphile v5 declares Node ≥ 22; on this Node it runs with a `Promise.withResolvers` polyfill (`polyfill.mjs`).');
  L.push(
    '- Single req/s figures swing a lot between rounds on a shared 2-core machine; compare the ratios from the same round and the CPU time per request, which is steadier.',
  );
  L.push('');
  return `${L.join('\n')}\n`;
}

/**
 * The `import` workload (`npm run bench:import`, results/import.json): its own
 * run, so its own date and machine state.
 */
function importSection() {
  let r;
  try {
    r = JSON.parse(readFileSync(fileURLToPath(new URL('results/import.json', import.meta.url)), 'utf8'));
  } catch {
    return '';
  }
  const L = ['## Import (`npm run bench:import`)', ''];
  L.push(
    `${r.date}: \`import:twilio\` of the bench account (${r.bindings.inserted + r.bindings.updated + r.bindings.unchanged} bindings) from a gateway serving it, ` +
      'into an empty database on the same PostgreSQL server, then again with nothing to change. Importer, source gateway and PostgreSQL on this 2-core machine; ' +
      'CPU seconds over the whole run (PostgreSQL: every postgres process, source reads and target writes together).',
    '',
  );
  L.push('| Run | Seconds | Bindings/s | Pages | Statements/page | ms/page fetching | ms/page writing | CPU s importer | CPU s source | CPU s PostgreSQL |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const run of r.runs) {
    L.push(
      `| ${run.label} (concurrency ${run.concurrency}) | ${run.seconds} | ${run.bindingsPerSecond} | ${run.pages} | ${run.statementsPerPage} | ${run.fetchMsPerPage} | ${run.writeMsPerPage} | ${run.cpu.importerS} | ${run.cpu.sourceGatewayS} | ${run.cpu.postgresS} |`,
    );
  }
  return L.join('\n');
}

/**
 * W8, binding statistics (`npm run bench:stats`, results/stats.json): its own
 * run, sequential requests, so its own date and machine state.
 */
function statsSection() {
  let r;
  try {
    r = JSON.parse(readFileSync(fileURLToPath(new URL('results/stats.json', import.meta.url)), 'utf8'));
  } catch {
    return '';
  }
  const ms = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));
  const L = ['## W8: binding statistics (`npm run bench:stats`)', ''];
  L.push(
    `${r.date}: the unfiltered statistics of the largest service (${r.service_bindings.toLocaleString('en-US')} bindings): total, by type, ` +
      'by credential, by message type, 31 days of registrations (from/to not on a midnight) and staleness at 30/90/180/365 days. ' +
      'One request at a time (no queueing), after 50 unmeasured ones: ' +
      `${r.config.seconds} s of requests for the gateway and raw, ${r.config.slow_requests} requests for PostGraphile. ` +
      'Every answer was first checked against plain GROUP BY statements over the rows (staleness apart: each contender reads its own clock). ' +
      `The GROUP BY statements themselves (6, sequential, no counters) took ${r.group_by_ms.map((x) => Math.round(x)).join(', ')} ms.`,
    '',
  );
  L.push(
    '```sh',
    'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_bindings npm run bench:stats   # ≈ 1 min on a seeded database',
    '```',
    '',
    `Machine: ${r.machine ?? 'unknown'}${r.load_average ? `, load average ${r.load_average.join(' / ')} around the run (shared with other work)` : ''}.`,
    '',
  );
  L.push('| Contender | Answer | Requests | p50 ms | p90 ms | p99 ms |');
  L.push('| --- | --- | --- | --- | --- | --- |');
  const label = {
    graphql: 'gateway GraphQL `service { bindingStats { … } }` (counters kept by triggers)',
    raw: 'raw: one prepared statement over the same counters',
    postgraphile: 'PostGraphile + @graphile/pg-aggregates 0.2.0-rc.2 (`groupedAggregates`, filtered `totalCount`s)',
  };
  for (const [name, c] of Object.entries(r.contenders)) {
    L.push(`| ${label[name] ?? name} | ${c.answer} | ${c.requests} | ${ms(c.p50)} | ${ms(c.p90)} | ${ms(c.p99)} |`);
  }
  if (r.w7) {
    L.push('');
    L.push(
      `For scale, in the same run and the same way: W7 (\`totalCount\`, the cheapest request) p50 ${ms(r.w7.graphql?.p50)} ms through the gateway, ` +
        `${ms(r.w7.raw?.p50)} ms raw: what HTTP, authentication and GraphQL cost the gateway on this machine before any statistics.`,
    );
  }
  return L.join('\n');
}

/**
 * CHANGES.md (written by hand, next to this file): what each optimisation
 * bought and what bounds the rest, kept with the generated numbers.
 */
function changesSection() {
  try {
    return readFileSync(fileURLToPath(new URL('CHANGES.md', import.meta.url)), 'utf8');
  } catch {
    return '';
  }
}

const COLORS = { graphql: '#e535ab', rest: '#f08c2e', postgraphile: '#3a7bd5', postgraphile_rls: '#1b3f73', raw: '#7f8c8d' };

/**
 * One workload's req/s per contender as a plain SVG bar chart: median bars,
 * min–max whiskers when there was more than one round, values as labels.
 */
export function chartSvg(r, w) {
  const rows = Object.entries(r.summary[w] ?? {}).filter(([, s]) => s.rps?.median);
  const width = 860;
  const left = 150;
  const right = 110;
  const top = 52;
  const barH = 26;
  const gap = 12;
  const height = top + rows.length * (barH + gap) + 28;
  const max = Math.max(1, ...rows.map(([, s]) => s.rps.max ?? s.rps.median));
  const x = (v) => left + ((width - left - right) * v) / max;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${xml(`${w.toUpperCase()}: ${r.workloads[w] ?? ''}`.slice(0, 110))}</text>`,
    `<text x="12" y="40" fill="#555">req/s, median of ${r.rounds} round${r.rounds === 1 ? '' : 's'}${r.rounds > 1 ? ' (line: min–max)' : ''}; higher is better</text>`,
    `<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${height - 24}" stroke="#999"/>`,
  ];
  rows.forEach(([c, s], i) => {
    const y = top + i * (barH + gap);
    const mid = y + barH / 2;
    out.push(`<text x="${left - 8}" y="${mid + 4}" text-anchor="end">${xml(c)}</text>`);
    out.push(`<rect x="${left}" y="${y}" width="${(x(s.rps.median) - left).toFixed(1)}" height="${barH}" fill="${COLORS[c] ?? '#444'}"/>`);
    if (r.rounds > 1 && s.rps.min !== s.rps.max) {
      out.push(`<line x1="${x(s.rps.min).toFixed(1)}" y1="${mid}" x2="${x(s.rps.max).toFixed(1)}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`);
    }
    out.push(`<text x="${(x(s.rps.max ?? s.rps.median) + 6).toFixed(1)}" y="${mid + 4}">${num(s.rps.median)}</text>`);
  });
  out.push(`<text x="${left}" y="${height - 8}" fill="#555">0</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** results/latest.json, RESULTS.md and one results/wN.svg per measured workload, under `outDir`. */
export function writeReport(results, outDir) {
  mkdirSync(path.join(outDir, 'results'), { recursive: true });
  writeFileSync(path.join(outDir, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  for (const w of Object.keys(results.workloads)) {
    if (Object.keys(results.summary[w] ?? {}).length) writeFileSync(path.join(outDir, 'results', `${w}.svg`), chartSvg(results, w));
  }
  writeFileSync(path.join(outDir, 'RESULTS.md'), renderMarkdown(results));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // BENCH_OUT as for `npm run bench`: relative to this folder, default this folder.
  const outDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), process.env.BENCH_OUT ?? '.');
  const results = JSON.parse(readFileSync(path.join(outDir, 'results', 'latest.json'), 'utf8'));
  Object.assign(results, summarize(results));
  writeReport(results, outDir);
  process.stderr.write(`RESULTS.md, results/latest.json and the charts re-rendered in ${outDir}\n`);
}
