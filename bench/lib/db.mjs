// @ts-check
import pg from 'pg';

/** DATABASE_URL, required: the benchmark never falls back to the embedded PGlite. */
export function databaseUrl(env = process.env) {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: point it at a PostgreSQL database the benchmark may fill, e.g.\n' +
        '  createdb -h 127.0.0.1 -U postgres bench_bindings\n' +
        '  export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_bindings',
    );
  }
  return url;
}

export function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** The same server and credentials, another database. */
export function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** Creates database `name` on the server of `url` unless it exists; returns its URL. */
export async function ensureDatabase(url, name) {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(url, name);
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
