import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';

/** The active trace and span ids, for log lines. Empty when no span is active (no SDK, or outside a request). */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) {
    return {};
  }
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** The W3C traceparent of the active context, to store with an outbox event or send on an outbound call. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `fn` as a continuation of a stored traceparent, so a job's spans join the trace of the request that caused it. */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent) {
    return fn();
  }
  const parent = propagation.extract(context.active(), { traceparent });
  return context.with(parent, fn);
}
