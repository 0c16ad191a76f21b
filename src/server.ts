import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import type { App } from './app.js';
import type { Logger } from './platform/logger.js';

/** The gateway's HTTP server: one node:http listener for every front door. */
export function createHttpServer(app: App, logger: Logger): Server {
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
