/**
 * OpenTelemetry traces with an in-memory exporter: one trace per request
 * through either front door (HTTP server span → GraphQL operation → SQL
 * statements), continuing a caller's `traceparent`, with no secrets or
 * variables in any span; probes are not traced.
 */

import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { startTracing } from '../src/platform/tracing.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { createScenario, type Scenario } from './helpers/scenario.js';
import { type Listening, listen, testLogger } from './helpers/server.js';

const exporter = new InMemorySpanExporter();
let stopTracing: () => Promise<void>;
let db: TestDatabase;
let scenario: Scenario;
let app: App;
let server: Listening;

beforeAll(async () => {
  db = await openTestDatabase();
  scenario = await createScenario(db.prisma, { seed: 'tracing', bigServiceBindings: 5, users: 2 });
  // Before the app: the GraphQL door adds its tracing plugin when tracing is on.
  stopTracing = startTracing({ serviceName: 'gateway-under-test', exporter });
  app = await createApp(db, testLogger);
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  await stopTracing?.();
  await db?.close();
});

beforeEach(() => exporter.reset());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/** The spans of the one trace exported since the test began, after the request's span ended. */
async function exportedTrace(): Promise<ReadableSpan[]> {
  for (let i = 0; i < 50 && !exporter.getFinishedSpans().some((s) => s.kind === 1); i++) await new Promise((r) => setTimeout(r, 10));
  return exporter.getFinishedSpans();
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanContext().spanId);
}

describe('traces', () => {
  it('a GraphQL request: HTTP span continuing traceparent, the operation inside it, SQL inside that', async () => {
    const serviceSid = scenario.a.services[0]!.sid;
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        authorization: scenario.a.authorization,
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify({
        query: 'query Bindings($sid: String!) { service(sid: $sid) { bindings(first: 2) { totalCount } } }',
        variables: { sid: serviceSid },
      }),
    });
    expect(response.status).toBe(200);
    const spans = await exportedTrace();

    const http = spans.find((s) => s.name === 'POST graphql');
    expect(http?.parentSpanId).toBe(CALLER_SPAN);
    expect(http?.spanContext().traceId).toBe(TRACE_ID);
    expect(http?.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/graphql', 'http.response.status_code': 200 });
    expect(http?.resource.attributes['service.name']).toBe('gateway-under-test');

    const operation = childrenOf(spans, http!).find((s) => s.name === 'query.Bindings');
    expect(operation?.attributes['graphql.execute.operationName']).toBe('Bindings');
    const statements = childrenOf(spans, operation!).filter((s) => s.name === 'sql');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((s) => /binding/i.test(String(s.attributes['db.query.text'])))).toBe(true);

    // Every span belongs to the caller's trace; none carries the variables or the credentials.
    expect(spans.every((s) => s.spanContext().traceId === TRACE_ID)).toBe(true);
    const everything = JSON.stringify(spans.map((s) => s.attributes));
    expect(everything).not.toContain(serviceSid);
    expect(everything).not.toContain(scenario.a.authorization.slice(6));
  });

  it('a REST request: one trace, SQL statements inside the HTTP span', async () => {
    const serviceSid = scenario.a.services[0]!.sid;
    const response = await fetch(`${server.baseUrl}/v2/Services/${serviceSid}/Bindings?PageSize=2`, {
      headers: { authorization: scenario.a.authorization },
    });
    expect(response.status).toBe(200);
    const spans = await exportedTrace();
    const http = spans.find((s) => s.name === 'GET rest');
    expect(http?.parentSpanId).toBeUndefined();
    expect(http?.attributes['http.response.status_code']).toBe(200);
    expect(childrenOf(spans, http!).filter((s) => s.name === 'sql').length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('probes are not traced', async () => {
    for (const path of ['/livez', '/readyz']) expect((await fetch(`${server.baseUrl}${path}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
