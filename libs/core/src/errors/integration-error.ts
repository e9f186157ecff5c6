import { AppError, ErrorCategory } from './app-error';

/**
 * How a failed delivery should be retried:
 * - `transient`: try again later with backoff; it counts as an attempt (5xx, timeouts, connection resets);
 * - `rate_limited`: the other side told us when to come back; wait without burning an attempt;
 * - `unavailable`: we chose not to call (circuit open, connector not configured); wait without burning an attempt;
 * - `deferred`: nothing failed, the event is early (our own write of its entity still awaits its answer); wait the
 *   `retryAt` without burning an attempt, and count it apart from failures, so it never looks like an outage;
 * - `permanent`: retrying cannot help (validation, access denied, not found); straight to the dead-letter queue.
 */
export type FailureKind = 'transient' | 'rate_limited' | 'unavailable' | 'deferred' | 'permanent';

export interface IntegrationErrorOptions {
  readonly system?: string;
  /** When to try again, for `rate_limited`, `unavailable` and `deferred`. */
  readonly retryAt?: Date;
  readonly httpStatus?: number;
  /** The first bytes of what the other side answered, secrets removed, for the dead-letter record. */
  readonly responseExcerpt?: string;
  readonly cause?: unknown;
}

/** An error talking to another system, already classified by the connector that understands its protocol. */
export class IntegrationError extends Error {
  readonly system?: string;
  readonly retryAt?: Date;
  readonly httpStatus?: number;
  readonly responseExcerpt?: string;

  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    options: IntegrationErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'IntegrationError';
    this.system = options.system;
    this.retryAt = options.retryAt;
    this.httpStatus = options.httpStatus;
    this.responseExcerpt = options.responseExcerpt;
  }
}

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  readonly code: string;
  readonly message: string;
  readonly retryAt?: Date;
  readonly httpStatus?: number;
  readonly responseExcerpt?: string;
}

function kindOfCategory(category: ErrorCategory): FailureKind {
  switch (category) {
    case 'invalid_input':
    case 'unprocessable':
    case 'not_found':
    case 'conflict':
    case 'unauthenticated':
    case 'forbidden':
    case 'payload_too_large':
    case 'unsupported_media_type':
      return 'permanent';
    case 'rate_limited':
    case 'unavailable':
    case 'internal':
      return 'transient';
  }
}

/**
 * Turns anything a consumer threw into a retry decision. Errors nobody classified (a bug, a dropped database
 * connection) count as transient: they may pass, and if they do not, attempts run out into the dead-letter queue.
 */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof IntegrationError) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      retryAt: error.retryAt,
      httpStatus: error.httpStatus,
      responseExcerpt: error.responseExcerpt,
    };
  }
  if (error instanceof AppError) {
    return { kind: kindOfCategory(error.category), code: error.code, message: error.detail ?? error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return { kind: 'transient', code: typeof code === 'string' ? code : 'UNEXPECTED', message };
}
