import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * What a `Database.listen` subscriber hears. Notifications can be missed while
 * no connection listens, so a subscriber must treat `onReset` as "anything may
 * have changed" and rely on notifications only while the last reset said
 * `listening: true`.
 */
export interface NotificationHandlers {
  /**
   * A NOTIFY on the channel. By default the payload is the schema the change
   * happened in (or ''); with `ListenOptions.schemaOf` it is any payload whose
   * schema is this database's.
   */
  onNotify(payload: string): void;
  /**
   * Notifications may have been missed: called with false when the listening
   * connection is lost (and when the first attempt fails), with true once
   * LISTEN is in place (again).
   */
  onReset(listening: boolean): void;
  /** Why listening failed or stopped (for the log); listening is retried. */
  onError?(err: unknown): void;
}

/** How a channel's payloads name their schema. */
export interface ListenOptions {
  /**
   * The schema a payload comes from (undefined: unknown, never passed on).
   * Without it a payload must be the schema itself (or '').
   */
  schemaOf?: (payload: string) => string | undefined;
}

/** Stops listening; resolves once the connection is closed. */
export type StopListening = () => Promise<void>;

/** Payloads of our own delivery probes; never passed on to subscribers. */
const PROBE_PREFIX = 'probe:';

export interface PgListenerOptions {
  connectionString: string;
  /** The pool's `options` startup parameter (search_path), so current_schema() agrees with the pool's. */
  options?: string | undefined;
  channel: string;
  /** application_name of the listening connection (how to find it in pg_stat_activity). */
  applicationName?: string;
  /** Sends NOTIFY channel, payload on another connection (the pool's). */
  notifyElsewhere(channel: string, payload: string): Promise<void>;
  /** Liveness check of the listening connection (a SELECT 1 that must answer in `probeTimeoutMs`). */
  heartbeatMs?: number;
  /** How long a probe may take: the first NOTIFY round trip, and each heartbeat. */
  probeTimeoutMs?: number;
  /** How long connecting, LISTEN and the first probe may take together. */
  setupTimeoutMs?: number;
  /** First and longest wait between reconnection attempts (doubling in between). */
  retryMs?: { first: number; max: number };
  /** See ListenOptions.schemaOf. */
  schemaOf?: ListenOptions['schemaOf'];
}

/**
 * LISTEN on a dedicated connection (never one of the pool's, so it neither
 * blocks nor is blocked by queries), reconnecting with backoff whenever the
 * connection is lost. Listening counts as established only once a NOTIFY
 * sent through the pool has arrived (a transaction-mode pooler between us and
 * Postgres would accept LISTEN but not deliver). A heartbeat notices a
 * connection that died without a word.
 *
 * Resolves after the first attempt, successful or not (`onReset` says which);
 * failed attempts are retried in the background until stopped.
 */
export async function listenPostgres(opts: PgListenerOptions, handlers: NotificationHandlers): Promise<StopListening> {
  const { channel } = opts;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const probeTimeoutMs = opts.probeTimeoutMs ?? 5_000;
  const setupTimeoutMs = opts.setupTimeoutMs ?? 15_000;
  const retry = opts.retryMs ?? { first: 200, max: 30_000 };

  let stopped = false;
  let client: pg.Client | undefined;
  let listening = false;
  let retryDelay = retry.first;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  const probes = new Map<string, () => void>();

  const report = (err: unknown) => {
    try {
      handlers.onError?.(err);
    } catch {
      // A logger's failure must not stop the listener.
    }
  };

  /** The connection `c` is gone or unusable: deaf until a new one listens. */
  const lose = (c: pg.Client, err: unknown) => {
    if (client !== c) return;
    client = undefined;
    clearTimeout(heartbeatTimer);
    c.removeAllListeners('notification');
    c.on('error', () => {});
    void c.end().catch(() => {});
    if (listening) {
      listening = false;
      handlers.onReset(false);
    }
    if (stopped) return;
    report(err);
    retryTimer = setTimeout(() => void attempt(), retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, retry.max);
  };

  const heartbeat = (c: pg.Client) => {
    heartbeatTimer = setTimeout(() => {
      withTimeout(c.query('SELECT 1'), probeTimeoutMs, 'listener heartbeat timed out').then(
        () => {
          if (client === c) heartbeat(c);
        },
        (err: unknown) => lose(c, err),
      );
    }, heartbeatMs);
    heartbeatTimer.unref();
  };

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({
      connectionString: opts.connectionString,
      ...(opts.options ? { options: opts.options } : {}),
      keepAlive: true,
      application_name: opts.applicationName ?? 'bindings-gateway listener',
    });
    client = c;
    let schema: string | null = null;
    c.on('error', (err) => lose(c, err));
    c.on('end', () => lose(c, new Error('listening connection closed')));
    c.on('notification', (message) => {
      if (message.channel !== channel || client !== c) return;
      const payload = message.payload ?? '';
      if (payload.startsWith(PROBE_PREFIX)) {
        probes.get(payload)?.();
        return;
      }
      // Other schemas of the same server (tests, several deployments) have their own caches.
      if (schema === null || (opts.schemaOf ? opts.schemaOf(payload) === schema : payload === '' || payload === schema)) {
        handlers.onNotify(payload);
      }
    });
    const setup = async () => {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
      const [row] = (await c.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows;
      schema = row?.schema ?? null;
      await probe(c);
    };
    try {
      // Never hang startup (createApp awaits the first attempt) on an unresponsive server.
      await withTimeout(setup(), setupTimeoutMs, 'connecting the listening connection timed out');
    } catch (err) {
      lose(c, err);
      return;
    }
    if (client !== c) return;
    listening = true;
    retryDelay = retry.first;
    handlers.onReset(true);
    heartbeat(c);
  };

  /** NOTIFY through the pool must reach this connection. */
  const probe = async (c: pg.Client) => {
    const payload = `${PROBE_PREFIX}${randomBytes(9).toString('base64url')}`;
    const arrived = new Promise<void>((resolve) => probes.set(payload, resolve));
    try {
      await withTimeout(
        opts.notifyElsewhere(channel, payload).then(() => arrived),
        probeTimeoutMs,
        'a NOTIFY sent through the pool did not reach the listening connection (a transaction-mode pooler in between?)',
      );
    } finally {
      probes.delete(payload);
    }
    if (client !== c) throw new Error('listening connection lost during the probe');
  };

  handlers.onReset(false);
  await attempt();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    clearTimeout(heartbeatTimer);
    const c = client;
    client = undefined;
    if (listening) {
      listening = false;
      handlers.onReset(false);
    }
    if (c) {
      c.removeAllListeners('notification');
      c.on('error', () => {});
      await withTimeout(c.end(), 2_000, 'closing the listening connection timed out').catch(() => {});
    }
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
