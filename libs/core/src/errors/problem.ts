import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { AppError, FieldError, httpStatusOf } from './app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details, with the request id and per-field errors as extension members. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: readonly FieldError[];
}

export interface ProblemResult {
  readonly problem: ProblemDocument;
  readonly headers: Record<string, string>;
  /** True when the error is ours to fix: logged in full, and its message never leaves the process. */
  readonly unexpected: boolean;
}

/** Status codes that Fastify's own errors carry, mapped to our stable codes. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

export function problemTypeUri(code: string): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Turns anything thrown while serving a request into a problem document. Unknown errors become a bare 500 so that
 * no stack trace, SQL text or downstream message reaches a client.
 */
export function toProblem(error: unknown, instance: string | undefined, requestId: string | undefined): ProblemResult {
  const headers: Record<string, string> = {};
  if (error instanceof AppError) {
    const status = httpStatusOf(error.category);
    if (error.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(error.retryAfterSeconds);
    }
    if (status === 401) {
      headers['www-authenticate'] = 'Bearer error="invalid_token"';
    }
    return {
      problem: compact({
        type: problemTypeUri(error.code),
        title: error.title,
        status,
        detail: error.detail,
        instance,
        code: error.code,
        requestId,
        errors: error.errors,
      }),
      headers,
      unexpected: error.category === 'internal',
    };
  }

  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[status] ?? 'BAD_REQUEST';
    if (status === 401) {
      headers['www-authenticate'] = 'Bearer';
    }
    return {
      problem: compact({
        type: problemTypeUri(code),
        title: STATUS_CODES[status] ?? 'Bad Request',
        status,
        detail: clientSafeDetail(error, status),
        instance,
        code,
        requestId,
      }),
      headers,
      unexpected: false,
    };
  }

  const unavailable = status === 503;
  return {
    problem: compact({
      type: problemTypeUri(unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL'),
      title: unavailable ? 'Service Unavailable' : 'Internal Server Error',
      status: unavailable ? 503 : 500,
      detail: unavailable
        ? 'A dependency is unavailable; retry later.'
        : 'An unexpected error occurred. Quote the request id when reporting it.',
      instance,
      code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL',
      requestId,
    }),
    headers,
    unexpected: !unavailable,
  };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) {
    return error.getStatus();
  }
  if (typeof error === 'object' && error !== null) {
    const candidate =
      (error as { statusCode?: unknown; status?: unknown }).statusCode ?? (error as { status?: unknown }).status;
    if (typeof candidate === 'number' && Number.isInteger(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Framework 4xx messages (Fastify's body parser, Nest's router) describe the client's mistake without internals,
 * except JSON parse errors, whose message can echo the body; those get a fixed sentence.
 */
function clientSafeDetail(error: unknown, status: number): string | undefined {
  if (error instanceof SyntaxError) {
    return 'The request body is not valid JSON.';
  }
  if (status === 413) {
    return 'The request body exceeds the size limit.';
  }
  if (status === 415) {
    return 'The request content type is not supported by this endpoint.';
  }
  // The router's URL errors quote the offending path.
  if (error instanceof URIError) {
    return status === 414 ? 'A path segment of the URL is too long.' : 'The URL is not valid percent-encoding.';
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const message: unknown = response.message;
      return Array.isArray(message) ? message.join('; ') : String(message);
    }
    return error.message;
  }
  return error instanceof Error ? error.message.slice(0, 300) : undefined;
}

function compact(problem: ProblemDocument): ProblemDocument {
  return Object.fromEntries(Object.entries(problem).filter(([, value]) => value !== undefined)) as ProblemDocument;
}
