/**
 * Liveness and readiness, as a load balancer or an orchestrator asks them.
 * `/livez`: the process answers. `/readyz`: it can serve (the database
 * answers a trivial statement within a short time, and it is not shutting
 * down). Readiness asks the database at most once per `cacheMs`, whatever the
 * number of probes, so probing cannot load the database.
 */
export interface Health {
  live(): Response;
  ready(): Promise<Response>;
  /** From now on readiness is false: the gateway is shutting down. */
  shutDown(): void;
  readonly shuttingDown: boolean;
}

export interface HealthOptions {
  /** Longest the database may take to answer before the gateway counts as not ready. */
  timeoutMs?: number;
  /** How long one answer of the database serves every readiness probe. */
  cacheMs?: number;
}

type Check = { ok: true } | { ok: false; reason: string };

export function createHealth(ping: () => Promise<unknown>, { timeoutMs = 2_000, cacheMs = 250 }: HealthOptions = {}): Health {
  let shuttingDown = false;
  let last: { at: number; check: Promise<Check> } | undefined;

  function check(): Promise<Check> {
    const now = performance.now();
    if (last && now - last.at < cacheMs) return last.check;
    const pending = withTimeout(ping(), timeoutMs).then(
      (): Check => ({ ok: true }),
      (err: unknown): Check => ({ ok: false, reason: err instanceof TimeoutError ? err.message : 'database unavailable' }),
    );
    last = { at: now, check: pending };
    return pending;
  }

  return {
    live: () => Response.json({ status: 'ok' }),
    async ready() {
      if (shuttingDown) return notReady('shutting down');
      const result = await check();
      if (shuttingDown) return notReady('shutting down');
      return result.ok ? Response.json({ status: 'ready' }) : notReady(result.reason);
    },
    shutDown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}

function notReady(reason: string): Response {
  return Response.json({ status: 'unavailable', reason }, { status: 503, headers: { 'retry-after': '1' } });
}

class TimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
