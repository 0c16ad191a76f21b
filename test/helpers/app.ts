import { AsyncLocalStorage } from 'node:async_hooks';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, parse, print } from 'graphql';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { createScenario, type Scenario } from './scenario.js';

export const GRAPHQL_URL = 'http://gateway.test/graphql';

/** Variables, then an optional Authorization value; variables may be left out when none is required. */
export type RunArgs<V> = Record<string, never> extends V ? [variables?: V, authorization?: string | null] : [variables: V, authorization?: string | null];

export interface TestApp {
  db: TestDatabase;
  app: App;
  scenario: Scenario;
  /** Every SQL statement Prisma sent since the last `queries.length = 0`. */
  queries: string[];
  /** POSTs a GraphQL operation to the app in-process. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, authorization?: string | null): Promise<GraphQLResult<T>>;
  /** POSTs a typed document (from `graphql()` in test/gql) and types the result by it. */
  run<R, V>(document: TypedDocumentNode<R, V>, ...args: RunArgs<V>): Promise<GraphQLResult<R>>;
  /** Like `run`, but fails unless the response is a 200 without errors, and returns its data. */
  data<R, V>(document: TypedDocumentNode<R, V>, ...args: RunArgs<V>): Promise<R>;
  /** Any HTTP request to the app in-process (a path such as `/graphql`, or a full URL). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface GraphQLErrorBody {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLResult<T> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: GraphQLErrorBody[] };
}

/**
 * For suites that read whole data sets (nested connections with `first: 1000`)
 * to check batching or isolation, not the limits: the cost limit out of the
 * way. The limits themselves are tested in test/hardening.
 */
export const WITHOUT_COST_LIMIT: AppOptions = { limits: { graphqlMaxCost: 1_000_000_000 } };

export type TestAppOptions = NonNullable<Parameters<typeof createScenario>[1]> & {
  /** Options of the app (limits, rate limit, …); the defaults otherwise. */
  app?: AppOptions;
  /** DB_STATEMENT_TIMEOUT_MS of the test database's sessions (off by default here). */
  statementTimeoutMs?: number;
  /** Where the app logs; silent (or debug with TEST_LOG_LEVEL=debug) by default. */
  logger?: Logger;
  /**
   * Whether every query sent through `graphql`/`run`/`data` is also answered
   * by a second app running the other executor (GRAPHQL_EXECUTOR), failing
   * unless both answer the same bytes (default true). Off for suites whose
   * answers change on their own between two requests (running jobs, streams).
   */
  differential?: boolean;
};

/** A migrated test database with the standard scenario, and the gateway app over it. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { app: appOptions, statementTimeoutMs, logger, differential = true, ...scenarioOptions } = options;
  const queries: string[] = [];
  // The mirror's statements are not the test's: they stay out of `queries`.
  const mirroring = new AsyncLocalStorage<true>();
  const db = await openTestDatabase({ onQuery: (e) => mirroring.getStore() || queries.push(e.query), statementTimeoutMs });
  const scenario = await createScenario(db.prisma, scenarioOptions);
  const app = await createApp(db, logger ?? createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent'), appOptions);
  const mirror = differential
    ? await createApp(db, createLogger('silent'), {
        ...appOptions,
        graphqlExecutor: appOptions?.graphqlExecutor === 'graphql-js' ? 'jit' : 'graphql-js',
        rateLimit: { requests: 0 },
      })
    : undefined;
  queries.length = 0;

  const graphql = async <T>(query: string, variables: Record<string, unknown> = {}, authorization: string | null = scenario.a.authorization) => {
    const result = await postGraphQL<T>(app, query, variables, authorization);
    if (mirror && result.status !== 429 && isQuery(query)) {
      const other = await mirroring.run(true, () => postGraphQL<T>(mirror, query, variables, authorization));
      const [mine, theirs] = [comparable(result), comparable(other)];
      if (mine !== theirs) {
        throw new Error(`the executors answer differently\n${query}\n${JSON.stringify(variables)}\nthis app: ${mine}\nother executor: ${theirs}`);
      }
    }
    return result;
  };
  const run = <R, V>(document: TypedDocumentNode<R, V>, ...[variables, authorization]: RunArgs<V>) => {
    // graphql() answers {} for a source codegen has not seen.
    if (!document || !('kind' in document)) throw new Error('unknown GraphQL document: run `npm run codegen`');
    return graphql<R>(print(document), (variables ?? {}) as Record<string, unknown>, authorization === undefined ? scenario.a.authorization : authorization);
  };

  return {
    db,
    app,
    scenario,
    queries,
    graphql,
    run,
    async data(document, ...args) {
      const result = await run(document, ...args);
      if (result.status !== 200 || result.body.errors || !result.body.data) {
        throw new Error(`expected data without errors, got HTTP ${result.status}: ${JSON.stringify(result.body)}`);
      }
      return result.body.data;
    },
    fetch: (path, init) => app.fetch(new Request(new URL(path, GRAPHQL_URL), init)),
    close: () => db.close(),
  };
}

/**
 * Status and body as JSON (key order included), with the instants near now
 * (`asOf`, a default `to`) written as `<now>`: the two answers are read a few
 * milliseconds apart.
 */
function comparable(result: GraphQLResult<unknown>): string {
  const now = Date.now();
  return JSON.stringify([result.status, result.body]).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, (instant) =>
    Math.abs(Date.parse(instant) - now) < 60_000 ? '<now>' : instant,
  );
}

/** Whether `source` holds only queries (and fragments), or does not parse. */
function isQuery(source: string): boolean {
  try {
    return parse(source).definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === 'query');
  } catch {
    return true;
  }
}

/** POSTs a GraphQL operation to `app` in-process, as JSON. */
export async function postGraphQL<T = any>(
  app: App,
  query: string,
  variables: Record<string, unknown>,
  authorization: string | null,
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await app.fetch(new Request(GRAPHQL_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) }));
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult<T>['body'] };
}

/**
 * Makes the app verify `authorization` (scenario A's by default) once, so that
 * the gate's credential check is cached and later requests with it run no
 * statement for it (see src/security/credential-cache.ts); clears `queries`.
 */
export async function warmCredentialCache(t: TestApp, authorization: string = t.scenario.a.authorization): Promise<void> {
  const result = await t.graphql('{ __typename }', {}, authorization);
  if (result.status !== 200) throw new Error(`warming the credential cache: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  t.queries.length = 0;
}

/** The `extensions.code` of each error of a result, in order. */
export function errorCodes(result: GraphQLResult<unknown>): unknown[] {
  return (result.body.errors ?? []).map((e) => e.extensions?.code);
}
