import { randomBytes } from 'node:crypto';
import { type Context, context, isSpanContextValid, propagation, trace, TraceFlags } from '@opentelemetry/api';

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

/**
 * Set by the telemetry preload (register.ts) when it installs no HTTP server instrumentation: with no exporter,
 * nobody reads the incoming request's span, and the instrumentation's per-request work (a span through the SDK,
 * attributes, bound emitters, metrics) bought nothing but its ids. The platform then makes that context itself.
 */
export const LIGHT_INCOMING_TRACE = Symbol.for('mastermobile.telemetry.lightIncomingTrace');

const IGNORED_INCOMING = /^\/(health|metrics)/;

/**
 * The context an incoming request runs in when the preload left it to us: the caller's trace continued (its
 * `traceparent`, sampled flag included) or a new one, under a fresh span id, as the HTTP instrumentation made it but
 * without recording anything. Undefined when the instrumentation runs (or no preload did: nothing would carry it),
 * and for the probes it ignored too.
 */
export function incomingTraceContext(headers: Record<string, unknown>, url: string): Context | undefined {
  if (!(globalThis as Record<symbol, unknown>)[LIGHT_INCOMING_TRACE] || IGNORED_INCOMING.test(url)) {
    return undefined;
  }
  const active = context.active();
  const parent = propagation.extract(active, headers);
  const parentSpan = trace.getSpanContext(parent);
  const valid = parentSpan !== undefined && isSpanContextValid(parentSpan);
  // One draw for both ids: each randomBytes call is a synchronous trip into OpenSSL, on every request.
  const ids = randomBytes(24).toString('hex');
  return trace.setSpanContext(parent, {
    traceId: valid ? parentSpan.traceId : ids.slice(16),
    spanId: ids.slice(0, 16),
    traceFlags: valid ? parentSpan.traceFlags : TraceFlags.NONE,
    traceState: valid ? parentSpan.traceState : undefined,
  });
}

/** Runs `fn` in `traceContext` (see {@link incomingTraceContext}), or as it is when there is none. */
export function withIncomingTrace<T>(traceContext: Context | undefined, fn: () => T): T {
  return traceContext ? context.with(traceContext, fn) : fn();
}
