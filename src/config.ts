import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Config {
  port: number;
  host: string;
  /** Set: a real Postgres through @prisma/adapter-pg. Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  /** Origin the REST shim writes into absolute URLs; the request's own origin when unset. */
  publicUrl: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads the environment once; any invalid value stops start-up with a message naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = readPort(env.PORT);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError(`HOST must be a host name or address, got ${JSON.stringify(env.HOST)}`);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL, got protocol ${url.protocol}`);
    }
  }

  const dataDirRaw = env.DATA_DIR?.trim() || './.data';
  const dataDir = path.resolve(dataDirRaw);

  const logLevelRaw = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }

  const publicUrl = readPublicUrl(env.PUBLIC_URL);

  return { port, host, databaseUrl, dataDir, logLevel: logLevelRaw as LogLevel, publicUrl };
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4000;
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return Number(value);
}

function readPublicUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL such as https://chat.example.com, got ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL without query or fragment, got ${JSON.stringify(raw)}`);
  }
  // Kept with its path (a gateway mounted under a prefix), without a trailing slash.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
