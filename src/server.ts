import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import type { App } from './app.js';
import type { Logger } from './platform/logger.js';

/** The gateway's HTTP server: one node:http listener for every front door. */
export function createHttpServer(app: Pick<App, 'fetch'>, logger: Logger): Server {
  const adapter = createServerAdapter((request: Request) => app.fetch(request));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    adapter(req, res).catch((err: unknown) => {
      logger.error('request failed outside the front doors', { err });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"Unexpected error."}');
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** How long an idle kept-alive connection may still bring a request after shutdown began. */
const IDLE_GRACE_MS = 1_000;
const SWEEP_EVERY_MS = 250;

/**
 * Stops `server` without cutting a request short: it stops accepting
 * connections at once; requests in flight finish (the app answers them with
 * `Connection: close`, see App.beginShutdown, so their connections end after
 * the answer); idle kept-alive connections may bring one more request for a
 * short grace, then are closed whenever they are idle. After `timeoutMs` the
 * remaining connections are destroyed. Resolves true when everything ended in
 * time, false when connections had to be destroyed.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let sweeper: NodeJS.Timeout | undefined;
    const grace = setTimeout(
      () => {
        server.closeIdleConnections();
        sweeper = setInterval(() => server.closeIdleConnections(), SWEEP_EVERY_MS);
      },
      Math.min(IDLE_GRACE_MS, timeoutMs),
    );
    const stopTimers = () => {
      clearTimeout(grace);
      clearInterval(sweeper);
      clearTimeout(deadline);
    };
    const deadline = setTimeout(() => {
      stopTimers();
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    // http.Server#close also closes idle connections at once (Node ≥ 19),
    // resetting a request a client may be sending on one at that moment;
    // net.Server#close only stops accepting, and calls back once every
    // connection has ended.
    NetServer.prototype.close.call(server, () => {
      stopTimers();
      resolve(true);
    });
  });
}
