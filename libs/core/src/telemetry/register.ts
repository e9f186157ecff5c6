/**
 * Starts OpenTelemetry before anything else is loaded: `node --require dist/libs/core/src/telemetry/register.js`.
 * Instrumentation patches modules as they are required, so this file must not import the app, Nest, pg or ioredis.
 * With no OTEL_EXPORTER_OTLP_ENDPOINT, spans are still created (trace ids in logs, traceparent propagation) but
 * nothing is exported and nothing fails.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { loadConfig } from '../config/app-config';

const config = loadConfig();
const endpoint = config.telemetry.otlpEndpoint;
const tracesUrl = endpoint ? `${endpoint.replace(/\/$/, '')}/v1/traces` : undefined;

const sdk = new NodeSDK({
  serviceName: config.serviceName,
  // Explicit empty lists: left unset, the SDK would fall back to OTEL_* defaults and try to export to localhost.
  metricReaders: [],
  logRecordProcessors: [],
  // Without an endpoint a no-op processor still makes the SDK install a real tracer provider: spans get ids (for
  // logs and traceparent propagation) and are simply not exported.
  spanProcessors: [
    tracesUrl
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }) })
      : new NoopSpanProcessor(),
  ],
  // No pino instrumentation: the logger's mixin already writes traceId/spanId on every line.
  instrumentations: [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
    }),
    // The connectors call Bitrix24 and 1C with fetch (undici), which the http instrumentation does not see.
    new UndiciInstrumentation(),
    new PgInstrumentation(),
    new IORedisInstrumentation(),
  ],
});
sdk.start();

const shutdown = (): void => {
  void sdk.shutdown().catch(() => undefined);
};
process.once('beforeExit', shutdown);
