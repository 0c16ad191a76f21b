import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, type TextMapGetter, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a
 * test hands an exporter in). Like the metrics, tracing is process-wide: the
 * OpenTelemetry API keeps one tracer provider and one context manager per
 * process. A request's trace: the HTTP server span (continuing the caller's
 * W3C `traceparent`), the GraphQL operation (@envelop/opentelemetry) inside
 * it, and one span per SQL statement inside whatever ran it.
 *
 * While off, nothing here starts a span or touches the async context: every
 * entry point checks `tracingEnabled()` first.
 */

export const TRACER_NAME = 'bindings-gateway';
/** Long statements are cut in the span's `db.query.text` (the text is parameterised: values are never in it). */
const MAX_STATEMENT_CHARS = 2_000;

let provider: BasicTracerProvider | undefined;

export interface TracingOptions {
  /** `service.name` of every span (OTEL_SERVICE_NAME). */
  serviceName: string;
  /** Where spans go. Default: OTLP over HTTP, configured by the OTEL_EXPORTER_OTLP_* variables. */
  exporter?: SpanExporter;
}

/** Starts recording spans; returns what flushes and stops it (at shutdown). */
export function startTracing({ serviceName, exporter }: TracingOptions): () => Promise<void> {
  if (provider) throw new Error('tracing is already started in this process');
  const started = new BasicTracerProvider({ resource: new Resource({ 'service.name': serviceName }) });
  // A test's in-memory exporter sees each span as it ends; the network one gets batches.
  started.addSpanProcessor(exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter()));
  started.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
  provider = started;
  return async () => {
    provider = undefined;
    await started.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/**
 * Runs `serve` inside an HTTP server span named `METHOD door`, a child of the
 * caller's trace when the request carries `traceparent`. `path` is already
 * redacted (no secrets in a span).
 */
export async function traceRequest(request: Request, door: string, path: string, serve: () => Promise<Response>): Promise<Response> {
  if (!provider) return serve();
  const parent: Context = propagation.extract(context.active(), request.headers, headerGetter);
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(
      `${request.method} ${door}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path, 'gateway.door': door } },
      parent,
    );
  try {
    const response = await context.with(trace.setSpan(parent, span), serve);
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Runs one SQL statement inside a client span, when the statement belongs to a traced request (no orphan spans for background work). */
export function traceStatement<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!provider) return run();
  const active = context.active();
  if (!trace.getSpan(active)) return run();
  const span = trace.getTracer(TRACER_NAME).startSpan(
    'sql',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': 'postgresql', 'db.query.text': sql.length > MAX_STATEMENT_CHARS ? `${sql.slice(0, MAX_STATEMENT_CHARS)}…` : sql },
    },
    active,
  );
  return run().then(
    (result) => {
      span.end();
      return result;
    },
    (err: unknown) => {
      failed(span, err);
      span.end();
      throw err;
    },
  );
}

function failed(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
