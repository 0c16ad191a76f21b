// @ts-check
// PostGraphile v5 (amber preset + connection-filter and pg-aggregates plugins) over the bench
// database's `public` schema, served by grafserv on node:http at /graphql.
// By default no authentication and no row-level security: it sees every row
// (contender `postgraphile`). With PGL_AUTH=rls (contender `postgraphile_rls`)
// it checks the gateway's HTTP Basic credentials on every request and runs each
// request as a tenant role under row-level security (servers/pgl-rls.mjs).
// Run with `node --import ./polyfill.mjs servers/postgraphile.mjs` on Node 20.
//
// env: DATABASE_URL, PORT (0 = any), HOST (127.0.0.1), PG_POOL_MAX (10), PGL_AUTH (unset or `rls`)

import { createServer } from 'node:http';
import { PgAggregatesPreset } from '@graphile/pg-aggregates';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { jsonPgSmartTags } from 'postgraphile/utils';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';
import { createAuthenticator, rlsContext, setupRls, withBasicAuth } from './pgl-rls.mjs';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const auth = process.env.PGL_AUTH?.trim() || 'none';
if (auth !== 'none' && auth !== 'rls') throw new Error(`PGL_AUTH must be unset or rls, got ${auth}`);

// Same pool size as the gateway's (node-postgres' default of 10).
const pool = new pg.Pool({ connectionString, max: Number(process.env.PG_POOL_MAX ?? 10) });
pool.on('error', () => {});

// Only the Chat data: no credentials tables (api_keys' enum value "read-write"
// is not a valid GraphQL name and would break the schema).
const HIDDEN_TABLES = ['accounts', 'api_keys', 'server_secrets', 'binding_deletions', '_prisma_migrations'];
// Before the schema is built, so that the policies exist when the first request comes.
if (auth === 'rls') await setupRls(pool, HIDDEN_TABLES);

const preset = {
  // @graphile/pg-aggregates (0.2.0-rc.2, the release for v5): aggregates and
  // grouped aggregates on every connection, for W8 (binding statistics).
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  // By default v5 only exposes a backward relation when the referencing columns
  // are an index prefix; bindings' composite foreign keys (service_sid,
  // account_sid) and (user_sid, service_sid, identity) are not, although
  // (service_sid, sid) and (user_sid, sid) serve those lists. Without this the
  // nested W6/W7 operations could not be written at all.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  plugins: [
    jsonPgSmartTags({
      version: 1,
      config: { class: Object.fromEntries(HIDDEN_TABLES.map((name) => [name, { tags: { behavior: '-*' } }])) },
    }),
  ],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false, maxRequestLength: 100_000 },
  // rls: every operation as the tenant role with the caller's account (pgSettings).
  grafast: auth === 'rls' ? { explain: false, context: rlsContext } : { explain: false },
  schema: { exportSchemaSDLPath: undefined },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
let server;
if (auth === 'rls') {
  // grafserv's node handler behind the Basic-auth listener (no websockets needed here, which is all addTo adds).
  server = createServer(withBasicAuth(createAuthenticator(pool), serv.createHandler()));
} else {
  server = createServer();
  await serv.addTo(server);
}
server.keepAliveTimeout = 65_000;
await pgl.getSchema();
server.listen(port, host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`LISTENING ${JSON.stringify({ port: address.port })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  Promise.resolve(pgl.release())
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
