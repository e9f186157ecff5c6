import { AppConfig, IntegrationLogService, redactSecrets, RequestContext } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Error, classifyRestError, errorFields } from './bitrix24-error';

export interface RawAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface SendOptions {
  readonly method: string;
  readonly url: string;
  /** Sent as JSON; OAuth calls carry `auth` inside. */
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** For the IntegrationLog row: what the call was about. */
  readonly entityType?: string;
  readonly entityId?: string;
}

const EXCERPT_BYTES = 1_000;

/** Network errors raised before a single byte left: the portal cannot have acted on the request. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One HTTP exchange with the portal: POST JSON (never GET, which would put parameters into URLs and logs), a hard
 * timeout, an IntegrationLog row per exchange, and every failure mapped to a coded error that says whether the
 * portal may have acted on it. Successful answers that are not JSON (proxy HTML pages) are failures too.
 */
@Injectable()
export class Bitrix24Transport {
  constructor(
    private readonly config: AppConfig,
    private readonly log: IntegrationLogService,
  ) {}

  async send(options: SendOptions): Promise<RawAnswer> {
    const started = Date.now();
    const requestId = RequestContext.requestId();
    let response: Response;
    let text: string;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          // The portal ignores it; proxies and our own logs on the way can correlate by it.
          ...(requestId ? { 'x-request-id': requestId } : {}),
          ...options.headers,
        },
        body: JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.config.bitrix24.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const failure = networkFailure(options.method, error);
      this.record(options, started, undefined, undefined, failure);
      throw failure;
    }
    const body = parseBody(text, response.headers.get('content-type'));
    const fields = errorFields(body);
    if (body === undefined || fields !== undefined || !response.ok) {
      const excerpt = excerptOf(body, text);
      const failure =
        body === undefined
          ? // An HTML page where JSON was expected: a proxy or the portal's front end failed, possibly after the
            // portal did the work.
            classifyRestError(
              response.status >= 400 ? response.status : 502,
              'NON_JSON',
              'unexpected non-JSON answer',
              {
                method: options.method,
                responseExcerpt: excerpt,
                outcome: 'unknown',
              },
            )
          : classifyRestError(response.status, fields?.code, fields?.description ?? `HTTP ${response.status}`, {
              method: options.method,
              responseExcerpt: excerpt,
            });
      this.record(options, started, response.status, body ?? text, failure);
      throw failure;
    }
    this.record(options, started, response.status, body, undefined);
    return { status: response.status, body, headers: response.headers };
  }

  private record(
    options: SendOptions,
    started: number,
    httpStatus: number | undefined,
    responseBody: unknown,
    failure: Bitrix24Error | undefined,
  ): void {
    void this.log.record({
      direction: 'outbound',
      system: 'bitrix24',
      operation: options.method,
      outcome: failure ? 'failure' : 'success',
      entityType: options.entityType,
      entityId: options.entityId,
      httpMethod: 'POST',
      url: options.url,
      httpStatus,
      durationMs: Date.now() - started,
      requestBody: options.body,
      responseBody,
      errorCode: failure?.code,
      errorMessage: failure?.message,
    });
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  if ((contentType ?? '').includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function excerptOf(body: unknown, text: string): string {
  const raw = body === undefined ? text : JSON.stringify(redactSecrets(body));
  return raw.slice(0, EXCERPT_BYTES);
}

function networkFailure(method: string, error: unknown): Bitrix24Error {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const notSent = code !== undefined && NOT_SENT_CODES.has(code);
  return new Bitrix24Error(
    'transient',
    timedOut ? 'BITRIX24_TIMEOUT' : 'BITRIX24_NETWORK',
    `${method}: ${timedOut ? 'no answer in time' : `network error ${code ?? (error instanceof Error ? error.message : String(error))}`}`,
    { method, outcome: notSent ? 'not_sent' : 'unknown', cause: error },
  );
}
