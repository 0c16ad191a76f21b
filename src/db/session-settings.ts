/**
 * What every pooled Postgres connection is set to before it is handed out.
 *
 * - `plan_cache_mode = force_generic_plan`: each statement is a named prepared
 *   statement (statement-names.ts), but Postgres would still plan it anew on
 *   every execution: the generic plan's estimate for `= ANY($array)` and
 *   `LIMIT $n` stays above the custom plans' and is never chosen. The generic
 *   plans of the gateway's statements use the same indexes as the custom ones
 *   (keyset scans by parent and sid), so planning once per connection is pure
 *   saving: 25-55% less Postgres CPU per request (bench/CHANGES.md).
 * - `jit = off`: those same generic estimates exceed `jit_above_cost`, and JIT
 *   compilation then costs about 7 ms on statements that run in 0.2 ms.
 *   Nothing the gateway runs is long enough for JIT to pay off.
 *
 * A setting the operator already gives (`?options=-c plan_cache_mode=auto` in
 * DATABASE_URL, or PGOPTIONS) is left to them, so either one can be undone
 * without a code change.
 */
const DEFAULTS: ReadonlyArray<[name: string, value: string]> = [
  ['plan_cache_mode', 'force_generic_plan'],
  ['jit', 'off'],
];

/** The SET statements for a new connection to `url` (one script), or undefined when there are none. */
export function sessionSetup(url: string, statementTimeoutMs: number | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = `${startupOptions(url)} ${env.PGOPTIONS ?? ''}`;
  const settings = DEFAULTS.filter(([name]) => !new RegExp(`(?:^|[\\s-]|-c)${name}\\s*=`).test(given)).map(([name, value]) => `SET ${name} = ${value}`);
  if (statementTimeoutMs) settings.push(`SET statement_timeout = ${statementTimeoutMs}`);
  return settings.length ? settings.join('; ') : undefined;
}

/** The `options` parameter of a connection URL ('' when it has none or is not a URL). */
function startupOptions(url: string): string {
  try {
    return new URL(url).searchParams.get('options') ?? '';
  } catch {
    return '';
  }
}
