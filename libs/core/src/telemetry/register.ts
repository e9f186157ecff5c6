/**
 * Starts OpenTelemetry before anything else is loaded: `node --require dist/libs/core/src/telemetry/register.js`.
 * Instrumentation patches modules as they are required, so this file must not import the app, Nest, pg or ioredis.
 * With no OTEL_EXPORTER_OTLP_ENDPOINT, spans still get ids (trace ids in logs, traceparent propagation) but none is
 * recorded, nothing is exported and nothing fails.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace';
import { loadConfig } from '../config/app-config';
import { LIGHT_INCOMING_TRACE } from './trace-context';

const config = loadConfig();
const endpoint = config.telemetry.otlpEndpoint;
const tracesUrl = endpoint ? `${endpoint.replace(/\/$/, '')}/v1/traces` : undefined;

// Incoming and outgoing HTTP carry the trace: their spans give log lines their ids and calls their traceparent.
// Without an exporter the incoming span is read by nobody: the platform's request hook gives the request its trace
// context (the caller's traceparent continued under a new span id) without the HTTP instrumentation's per-request
// work (docs/benchmarks.md, bench:http); outgoing calls through node:http then carry no traceparent, and none of
// ours goes through it (the connectors use fetch).
const incoming = tracesUrl
  ? [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      }),
    ]
  : [];
// The connectors call Bitrix24 and 1C with fetch (undici), which the http instrumentation does not see.
const carriers = [...incoming, new UndiciInstrumentation()];
if (!tracesUrl) {
  (globalThis as Record<symbol, unknown>)[LIGHT_INCOMING_TRACE] = true;
}

const sdk = new NodeSDK({
  serviceName: config.serviceName,
  // Explicit empty lists: left unset, the SDK would fall back to OTEL_* defaults and try to export to localhost.
  metricReaders: [],
  logRecordProcessors: [],
  spanProcessors: [
    tracesUrl
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }) })
      : new NoopSpanProcessor(),
  ],
  // Without an exporter nobody reads a span, yet recording them (attributes, timings, a span per query) cost the
  // busiest endpoints a third of their CPU (docs/benchmarks.md, bench:http). Not recording, spans still get ids, so
  // logs and traceparent are as before; a caller that samples its trace still has our spans recorded.
  ...(tracesUrl ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
  // No pino instrumentation: the logger's mixin already writes traceId/spanId on every line. PostgreSQL and Redis
  // spans carry nothing onwards: they are made only to be exported.
  instrumentations: tracesUrl ? [...carriers, new PgInstrumentation(), new IORedisInstrumentation()] : carriers,
});
sdk.start();

const shutdown = (): void => {
  void sdk.shutdown().catch(() => undefined);
};
process.once('beforeExit', shutdown);
