import { AppConfig, IntegrationError, IntegrationLogService, redactText, RequestContext } from '@app/core';
import type { CloudEvent } from '@app/events';
import { Injectable } from '@nestjs/common';
import type { OnecHttpSettings } from '../onec.config';
import { OnecMetrics } from '../onec.metrics';
import { OnecPushPort } from '../ports/onec-push.port';
import { OnecCircuitBreaker } from './onec-circuit-breaker';

/** How long pushes wait when 1C refuses our credentials: someone has to fix them first. */
const AUTH_RETRY_MS = 5 * 60_000;
/** How long pushes wait while no HTTP service is configured (they are served by the pull feed meanwhile). */
const UNCONFIGURED_RETRY_MS = 60_000;
const RESPONSE_EXCERPT_BYTES = 2_000;

/**
 * The JSON push contract (docs/integrations/1c.md): `POST <ONEC_HTTP_BASE_URL>/events` with the event as a
 * CloudEvents 1.0 JSON object; `Idempotency-Key` = the event id.
 */
export type OnecPushPayload = Omit<CloudEvent, 'destination' | 'traceparent'>;

export function pushPayloadOf(event: CloudEvent): OnecPushPayload {
  const { destination: _destination, traceparent: _traceparent, ...payload } = event;
  return payload;
}

/**
 * The client of 1C's published HTTP service: basic auth and a timeout from the configuration, every call through
 * the circuit breaker and into the IntegrationLog, every failure classified for the event backbone. It does not
 * retry by itself: retries are durable, in the backbone.
 */
@Injectable()
export class OnecHttpServiceClient extends OnecPushPort {
  constructor(
    private readonly config: AppConfig,
    private readonly breaker: OnecCircuitBreaker,
    private readonly integrationLog: IntegrationLogService,
    private readonly metrics: OnecMetrics,
  ) {
    super();
  }

  async push(event: CloudEvent): Promise<void> {
    const http = this.config.onec.http;
    if (!http) {
      this.metrics.pushCalls.inc({ outcome: 'unavailable' });
      throw new IntegrationError('unavailable', 'ONEC_HTTP_UNCONFIGURED', "1C's HTTP service is not configured", {
        system: 'onec',
        retryAt: new Date(Date.now() + UNCONFIGURED_RETRY_MS),
      });
    }
    const url = new URL('events', http.baseUrl.endsWith('/') ? http.baseUrl : `${http.baseUrl}/`).toString();
    const payload = pushPayloadOf(event);
    const started = performance.now();
    let httpStatus: number | undefined;
    let responseBody: string | undefined;
    try {
      await this.breaker.execute(async () => {
        const response = await this.send(http, url, event, payload);
        httpStatus = response.status;
        responseBody = response.body;
      });
      this.finish('success', started);
      await this.log(event, url, payload, started, { httpStatus, responseBody });
    } catch (error) {
      const failure = error instanceof IntegrationError ? error : transportFailure(error, http.timeoutMs);
      this.finish(failure.kind, started);
      await this.log(event, url, payload, started, {
        httpStatus: failure.httpStatus,
        responseBody: failure.responseExcerpt,
        failure,
      });
      throw failure;
    }
  }

  private async send(
    http: OnecHttpSettings,
    url: string,
    event: CloudEvent,
    payload: OnecPushPayload,
  ): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
      'idempotency-key': event.id,
      'x-request-id': event.requestid ?? RequestContext.requestId() ?? event.id,
      'user-agent': 'mastermobile-middleware',
    };
    if (event.traceparent) {
      headers.traceparent = event.traceparent;
    }
    if (http.login !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${http.login}:${http.password ?? ''}`).toString('base64')}`;
    }
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: AbortSignal.timeout(http.timeoutMs),
      });
      body = await readExcerpt(response);
    } catch (error) {
      throw transportFailure(error, http.timeoutMs);
    }
    if (response.status >= 200 && response.status < 300) {
      return { status: response.status, body };
    }
    throw classifyResponse(response.status, response.headers.get('retry-after'), body);
  }

  private finish(outcome: string, started: number): void {
    this.metrics.pushCalls.inc({ outcome });
    this.metrics.pushSeconds.observe({ outcome }, (performance.now() - started) / 1000);
  }

  private log(
    event: CloudEvent,
    url: string,
    payload: OnecPushPayload,
    started: number,
    result: { httpStatus?: number; responseBody?: string; failure?: IntegrationError },
  ): Promise<void> {
    return this.integrationLog.record({
      direction: 'outbound',
      system: 'onec',
      operation: `push ${event.type}`.slice(0, 200),
      outcome: result.failure ? 'failure' : 'success',
      entityType: 'event',
      entityId: event.id,
      httpMethod: 'POST',
      url,
      httpStatus: result.httpStatus,
      durationMs: performance.now() - started,
      requestBody: payload,
      responseBody: result.responseBody,
      errorCode: result.failure?.code,
      errorMessage: result.failure?.message,
    });
  }
}

/**
 * Status → retry decision: 429 and 503 with `Retry-After` wait as told; 5xx, 408 and 409 (an in-flight duplicate,
 * per the Idempotency-Key draft) are retried; 401/403 wait for the credentials to be fixed; any other 4xx, and a
 * redirect, is a request 1C will never accept.
 */
export function classifyResponse(status: number, retryAfter: string | null, body: string): IntegrationError {
  const excerpt = redactText(body).slice(0, RESPONSE_EXCERPT_BYTES);
  const options = { system: 'onec', httpStatus: status, responseExcerpt: excerpt };
  const retryAt = parseRetryAfter(retryAfter);
  if (status === 429 || (status === 503 && retryAt)) {
    return new IntegrationError('rate_limited', 'ONEC_RATE_LIMITED', `1C asked us to slow down (HTTP ${status})`, {
      ...options,
      retryAt: retryAt ?? new Date(Date.now() + 30_000),
    });
  }
  if (status === 401 || status === 403) {
    return new IntegrationError('unavailable', 'ONEC_AUTH_REFUSED', `1C refused our credentials (HTTP ${status})`, {
      ...options,
      retryAt: new Date(Date.now() + AUTH_RETRY_MS),
    });
  }
  if (status >= 500 || status === 408 || status === 409) {
    return new IntegrationError('transient', `ONEC_HTTP_${status}`, `1C's HTTP service answered ${status}`, options);
  }
  return new IntegrationError('permanent', `ONEC_HTTP_${status}`, `1C's HTTP service refused the push (${status})`, {
    ...options,
  });
}

function transportFailure(error: unknown, timeoutMs: number): IntegrationError {
  // Read by shape: fetch's errors (DOMException, undici's TypeError) need not share this realm's Error.
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string } };
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return new IntegrationError(
    'transient',
    timedOut ? 'ONEC_HTTP_TIMEOUT' : 'ONEC_HTTP_UNREACHABLE',
    timedOut
      ? `1C's HTTP service did not answer within ${timeoutMs} ms`
      : `1C's HTTP service cannot be reached: ${cause?.code ?? message ?? String(error)}`,
    { system: 'onec', cause: error },
  );
}

function parseRetryAfter(value: string | null): Date | undefined {
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return new Date(Date.now() + Number(value.trim()) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/** The first bytes of the answer; the rest is dropped unread (1C's error pages can be large). */
async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the rest of the body.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}
