/**
 * What kind of failure an error is. The HTTP layer maps each category to a status and the worker maps it to
 * retry-or-fail, both with exhaustive switches, so adding a category is a compile error until both decide.
 */
export type ErrorCategory =
  | 'invalid_input'
  | 'unprocessable'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface FieldError {
  /** Dotted path into the request body, e.g. `items.0.quantity`. */
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Seconds a client should wait before retrying (rate limits, in-flight conflicts). */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * The one error type domain and platform code throw. `code` is a stable machine-readable identifier
 * (SCREAMING_SNAKE_CASE) that clients and runbooks rely on; `category` decides the status.
 */
export class AppError extends Error {
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    readonly category: ErrorCategory,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = 'AppError';
    this.detail = options.detail;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function httpStatusOf(category: ErrorCategory): number {
  switch (category) {
    case 'invalid_input':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unprocessable':
      return 422;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
