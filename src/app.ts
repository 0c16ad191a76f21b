import type { Database } from './db/database.js';
import { serverSecret } from './db/server-secrets.js';
import type { DataContext } from './domain/data-context.js';
import { CursorCodec } from './domain/paging.js';
import { createGatewayYoga, type GatewayYoga } from './graphql/yoga.js';
import type { Logger } from './logger.js';
import { createRestShim, REST_PREFIX } from './rest/shim.js';

export interface App {
  data: DataContext;
  yoga: GatewayYoga;
  /** Answers any request of the gateway (both front doors), in-process. */
  fetch(request: Request): Promise<Response>;
}

/** Wires the domain layer to the front doors over an opened, migrated database. */
export interface AppOptions {
  /** Origin for absolute URLs in REST bodies (PUBLIC_URL); the request's own when unset. */
  publicUrl?: string | undefined;
}

export async function createApp(db: Database, logger: Logger, options: AppOptions = {}): Promise<App> {
  const data: DataContext = { prisma: db.prisma, cursors: new CursorCodec(await serverSecret(db.prisma, 'cursor-key')) };
  const yoga = createGatewayYoga({ data, logger });
  const rest = createRestShim({ data, logger, publicUrl: options.publicUrl });
  return {
    data,
    yoga,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === '/health') return Response.json({ status: 'ok' });
      if (pathname === '/graphql' || pathname.startsWith('/graphql/')) return yoga.fetch(request);
      if (pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`)) return rest(request);
      return Response.json({ error: 'not found', graphql: '/graphql' }, { status: 404 });
    },
  };
}
