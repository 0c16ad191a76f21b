// @ts-check
// The pieces that turn servers/postgraphile.mjs into "the PostGraphile a team
// would deploy for this job" (PGL_AUTH=rls, contender `postgraphile_rls`):
//
// - HTTP Basic authentication on every request, with the gateway's credentials
//   (`AC…:auth token` or `SK…:API key secret`), checked against the same
//   hashes, in a node:http listener in front of grafserv's handler; a verified
//   header is remembered for 60 s (bounded map), as a deployment would;
// - tenant isolation by row-level security: each request's statements run in
//   a transaction as role `bench_tenant` with `bench.account_sid` set to the
//   caller's account (PostGraphile's `pgSettings`), and every exposed table
//   has a policy on it.
//
// The policies and the role are set up at server start (setupRls). The table
// owner (postgres here, a superuser) bypasses RLS, so the gateway, the bare
// PostGraphile and raw, which all connect as the owner, are unaffected.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {{ query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }} Queryable */

export const TENANT_ROLE = 'bench_tenant';
export const ACCOUNT_SETTING = 'bench.account_sid';
const POLICY = 'bench_tenant_isolation';

/**
 * Tables without `account_sid` whose rows belong to a parent that has it: the
 * policy goes through the parent (itself under RLS, so the subquery only sees
 * the caller's rows). Tables with `service_sid` go through `services`.
 */
const THROUGH_PARENT = {
  import_seen: 'EXISTS (SELECT 1 FROM import_runs p WHERE p.run_id = import_seen.run_id)',
};

/**
 * Creates the role, grants and policies for every table of `public` that
 * PostGraphile exposes (all but `hidden`). Idempotent, and safe when two
 * processes start at once: one transaction under a transaction-scoped advisory
 * lock. Policies (ENABLE ROW LEVEL SECURITY, CREATE POLICY) belong to this
 * database; the role is cluster-wide, shared by every database of the server,
 * hence the DO block that tolerates another database creating it meanwhile.
 *
 * @param {import('pg').Pool} pool
 * @param {string[]} hidden tables PostGraphile does not expose
 * @returns {Promise<string[]>} the tables now under a policy
 */
export async function setupRls(pool, hidden) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('bench.postgraphile_rls'))`);
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_ROLE}') THEN CREATE ROLE ${TENANT_ROLE} NOLOGIN; END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    // A superuser may SET ROLE to anything; another login role must be a member.
    const member = await client.query(`SELECT pg_has_role(current_user, '${TENANT_ROLE}', 'MEMBER') AS ok`);
    if (!member.rows[0].ok) await client.query(`GRANT ${TENANT_ROLE} TO current_user`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${TENANT_ROLE}`);
    const { rows } = await client.query(
      `SELECT c.relname AS name,
              bool_or(a.attname = 'account_sid') AS has_account,
              bool_or(a.attname = 'service_sid') AS has_service
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($1))
        GROUP BY c.relname ORDER BY c.relname`,
      [hidden],
    );
    const tables = [];
    for (const { name, has_account, has_service } of rows) {
      const using = has_account
        ? `account_sid = current_setting('${ACCOUNT_SETTING}', true)`
        : has_service
          ? `EXISTS (SELECT 1 FROM services p WHERE p.sid = ${name}.service_sid)`
          : THROUGH_PARENT[name];
      if (!using) throw new Error(`postgraphile_rls: no tenant rule for exposed table ${name} (hide it or add one to THROUGH_PARENT)`);
      const t = `"${name}"`;
      await client.query(`GRANT SELECT ON ${t} TO ${TENANT_ROLE}`);
      await client.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
      // Dropped and created again so that a changed rule replaces the old one.
      await client.query(`DROP POLICY IF EXISTS ${POLICY} ON ${t}`);
      await client.query(`CREATE POLICY ${POLICY} ON ${t} FOR SELECT TO ${TENANT_ROLE} USING (${using})`);
      tables.push(name);
    }
    await client.query('COMMIT');
    return tables;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** `hmac-sha256$<salt hex>$<digest hex>` (src/security/secrets.ts): does `secret` match? */
function verifySecret(secret, stored) {
  const [scheme, saltHex, digestHex] = String(stored).split('$');
  if (scheme !== 'hmac-sha256' || !saltHex || !digestHex) return false;
  const expected = Buffer.from(digestHex, 'hex');
  const actual = createHmac('sha256', Buffer.from(saltHex, 'hex')).update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * `authorization` header → the caller's account sid, or null. A verified
 * header is kept for `ttlMs` in a map of at most `maxEntries` (the oldest
 * entry goes first): a revoked key keeps working until then, the usual
 * trade-off of a deployment without change notifications.
 *
 * @param {Queryable} db
 * @param {{ ttlMs?: number, maxEntries?: number }} [options]
 * @returns {(header: string | undefined) => Promise<string | null>}
 */
export function createAuthenticator(db, { ttlMs = 60_000, maxEntries = 10_000 } = {}) {
  /** @type {Map<string, { accountSid: string, expires: number }>} */
  const cache = new Map();
  return async (header) => {
    if (!header) return null;
    const hit = cache.get(header);
    if (hit && hit.expires > Date.now()) return hit.accountSid;
    if (hit) cache.delete(header);
    const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const user = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (secret.length > 256) return null;
    let row;
    if (user.startsWith('AC')) {
      row = (await db.query('SELECT sid AS account_sid, auth_token_hash AS hash FROM accounts WHERE sid = $1', [user])).rows[0];
    } else if (user.startsWith('SK')) {
      row = (await db.query('SELECT account_sid, secret_hash AS hash FROM api_keys WHERE sid = $1 AND revoked_at IS NULL', [user])).rows[0];
    }
    if (!row || !verifySecret(secret, row.hash)) return null;
    if (cache.size >= maxEntries) cache.delete(/** @type {string} */ (cache.keys().next().value));
    cache.set(header, { accountSid: row.account_sid, expires: Date.now() + ttlMs });
    return row.account_sid;
  };
}

/** The account each authenticated request acts for (read by rlsContext). */
const accountOf = new WeakMap();

/**
 * A node:http request listener: authenticates, then hands the request to
 * grafserv's `handler`; 401 (GraphQL-shaped body) otherwise.
 *
 * @param {(header: string | undefined) => Promise<string | null>} authenticate
 * @param {(req: IncomingMessage, res: ServerResponse) => void} handler
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function withBasicAuth(authenticate, handler) {
  const unauthorized = JSON.stringify({ errors: [{ message: 'unauthorized' }] });
  return (req, res) => {
    authenticate(req.headers.authorization).then(
      (accountSid) => {
        if (accountSid) {
          accountOf.set(req, accountSid);
          handler(req, res);
          return;
        }
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="bench"' });
        res.end(unauthorized);
      },
      (err) => {
        req.resume();
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: `authentication failed: ${err.message}` }] }));
      },
    );
  };
}

/**
 * The preset's `grafast.context`: each operation runs as the tenant role with
 * the caller's account. @dataplan/pg turns `pgSettings` into
 * `BEGIN; SELECT set_config(…) …; <statements>; COMMIT` per request.
 *
 * @param {Partial<Grafast.RequestContext>} requestContext
 */
export function rlsContext(requestContext) {
  const req = requestContext.node?.req;
  const accountSid = req ? accountOf.get(req) : undefined;
  // No account (cannot happen behind withBasicAuth): a setting no row matches.
  return { pgSettings: { role: TENANT_ROLE, [ACCOUNT_SETTING]: accountSid ?? '' } };
}
