import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger.js';

/** The message the primary sends a worker to shut it down gracefully (as SIGTERM would). */
export const SHUTDOWN_MESSAGE = 'gateway:shutdown';

/** A worker that dies this soon after its start is not restarted (it would only die again). */
const MIN_UPTIME_MS = 5_000;

/**
 * WORKERS=N: the primary process forks N gateway processes sharing one port
 * (node:cluster hands each new connection to one of them) and serves nothing
 * itself. A worker that dies is replaced; on SIGTERM/SIGINT every worker shuts
 * down gracefully. Resolves with the exit code: 0 when every worker stopped
 * cleanly.
 */
export function runWorkers(count: number, logger: Logger): Promise<number> {
  let stopping = false;
  let failed = false;
  const started = new Map<Worker, number>();

  const fork = (index: number) => {
    const worker = cluster.fork({ GATEWAY_WORKER: String(index) });
    started.set(worker, performance.now());
    worker.on('exit', (code, signal) => {
      const uptime = performance.now() - (started.get(worker) ?? 0);
      started.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        return;
      }
      if (uptime < MIN_UPTIME_MS) {
        logger.error('worker died during start; stopping every worker', { worker: index, code, signal });
        failed = true;
        stop();
        return;
      }
      logger.error('worker died; starting a new one', { worker: index, code, signal });
      fork(index);
    });
  };

  const stop = () => {
    stopping = true;
    for (const worker of started.keys()) {
      if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
    }
  };

  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn('second signal: killing every worker now', { signal });
        for (const worker of started.keys()) worker.process.kill('SIGKILL');
        return;
      }
      logger.info('shutting down every worker', { signal });
      stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    cluster.on('exit', () => {
      if (stopping && started.size === 0) resolve(failed ? 1 : 0);
    });
    for (let i = 1; i <= count; i++) fork(i);
    logger.info('workers started', { workers: count });
  });
}

/** This process's worker number under WORKERS=N (1 when not a worker). */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env.GATEWAY_WORKER ?? '1') : 1;
}
