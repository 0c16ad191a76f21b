import { type App, createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { createScenario, type Scenario } from './scenario.js';

export interface TestApp {
  db: TestDatabase;
  app: App;
  scenario: Scenario;
  /** Every SQL statement Prisma sent since the last `queries.length = 0`. */
  queries: string[];
  /** POSTs a GraphQL operation to the app in-process. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, authorization?: string | null): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export interface GraphQLResult<T> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
}

/** A migrated test database with the standard scenario, and the gateway app over it. */
export async function startTestApp(options: Parameters<typeof createScenario>[1] = {}): Promise<TestApp> {
  const queries: string[] = [];
  const db = await openTestDatabase({ onQuery: (e) => queries.push(e.query) });
  const scenario = await createScenario(db.prisma, options);
  const app = await createApp(db, createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent'));
  queries.length = 0;
  return {
    db,
    app,
    scenario,
    queries,
    async graphql(query, variables = {}, authorization = scenario.a.authorization) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (authorization) headers.authorization = authorization;
      const response = await app.fetch(
        new Request('http://gateway.test/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) }),
      );
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    close: () => db.close(),
  };
}
