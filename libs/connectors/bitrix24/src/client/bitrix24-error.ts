import { IntegrationError } from '@app/core';

/**
 * The connector's own view of a failure, before the event backbone's: `auth` is separate because the client
 * refreshes and retries an expired token itself, and only a failed re-authorisation reaches the backbone;
 * `unavailable` means we chose not to call (circuit open, connector unconfigured or not installed).
 */
export type Bitrix24ErrorCategory = 'transient' | 'rate_limited' | 'auth' | 'unavailable' | 'permanent';

/**
 * Whether the portal may have executed the call: `not_sent` (we held it back), `rejected` (the portal answered
 * with an error before doing anything), `unknown` (timeout, reset, 5xx, an HTML page). Only `unknown` makes a
 * create unsafe to send again without a lookup.
 */
export type CallOutcome = 'not_sent' | 'rejected' | 'unknown';

/** How long jobs wait when the portal refuses our credentials: an operator has to re-install or fix them. */
export const AUTH_RETRY_MS = 5 * 60_000;
/** `OVERLOAD_LIMIT` is a manual block lifted by Bitrix24 support; check back rarely. */
const OVERLOAD_RETRY_MS = 15 * 60_000;

export interface Bitrix24ErrorOptions {
  readonly httpStatus?: number;
  readonly retryAt?: Date;
  readonly responseExcerpt?: string;
  readonly method?: string;
  readonly outcome: CallOutcome;
  /** The code exactly as the portal sent it (`""`, a number, `expired_token`…). */
  readonly bitrixCode?: string | number;
  readonly cause?: unknown;
}

export class Bitrix24Error extends IntegrationError {
  readonly outcome: CallOutcome;
  readonly method?: string;
  readonly bitrixCode?: string | number;

  constructor(
    readonly category: Bitrix24ErrorCategory,
    code: string,
    message: string,
    options: Bitrix24ErrorOptions,
  ) {
    super(kindOf(category), code, message, {
      system: 'bitrix24',
      httpStatus: options.httpStatus,
      responseExcerpt: options.responseExcerpt,
      retryAt: options.retryAt ?? (category === 'auth' ? new Date(Date.now() + AUTH_RETRY_MS) : undefined),
      cause: options.cause,
    });
    this.name = 'Bitrix24Error';
    this.outcome = options.outcome;
    this.method = options.method;
    this.bitrixCode = options.bitrixCode;
  }
}

function kindOf(category: Bitrix24ErrorCategory): IntegrationError['kind'] {
  switch (category) {
    case 'transient':
      return 'transient';
    case 'rate_limited':
      return 'rate_limited';
    case 'unavailable':
      return 'unavailable';
    case 'auth':
      // Waiting, not failing: retrying cannot help until the credentials are fixed, and dead-lettering every job
      // of an expired installation would bury the operator in replays.
      return 'unavailable';
    case 'permanent':
      return 'permanent';
  }
}

interface Rule {
  readonly category: Bitrix24ErrorCategory;
  readonly code: string;
}

const BY_CODE: Record<string, Rule> = {
  QUERY_LIMIT_EXCEEDED: { category: 'transient', code: 'BITRIX24_QUERY_LIMIT_EXCEEDED' },
  INTERNAL_SERVER_ERROR: { category: 'transient', code: 'BITRIX24_INTERNAL_ERROR' },
  ERROR_UNEXPECTED_ANSWER: { category: 'transient', code: 'BITRIX24_INTERNAL_ERROR' },
  OPERATION_TIME_LIMIT: { category: 'rate_limited', code: 'BITRIX24_OPERATION_TIME_LIMIT' },
  OVERLOAD_LIMIT: { category: 'rate_limited', code: 'BITRIX24_OVERLOAD_LIMIT' },
  EXPIRED_TOKEN: { category: 'auth', code: 'BITRIX24_EXPIRED_TOKEN' },
  INVALID_TOKEN: { category: 'auth', code: 'BITRIX24_INVALID_TOKEN' },
  NO_AUTH_FOUND: { category: 'auth', code: 'BITRIX24_NO_AUTH' },
  INVALID_GRANT: { category: 'auth', code: 'BITRIX24_INVALID_GRANT' },
  WRONG_CLIENT: { category: 'auth', code: 'BITRIX24_WRONG_CLIENT' },
  INVALID_CLIENT: { category: 'auth', code: 'BITRIX24_WRONG_CLIENT' },
  ACCESS_DENIED: { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
  INVALID_CREDENTIALS: { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
  INSUFFICIENT_SCOPE: { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
  USER_ACCESS_ERROR: { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
  WRONG_AUTH_TYPE: { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
  PAYMENT_REQUIRED: { category: 'permanent', code: 'BITRIX24_PAYMENT_REQUIRED' },
  PORTAL_DELETED: { category: 'permanent', code: 'BITRIX24_PORTAL_DELETED' },
  NOT_FOUND: { category: 'permanent', code: 'BITRIX24_NOT_FOUND' },
  OWNER_NOT_FOUND: { category: 'permanent', code: 'BITRIX24_NOT_FOUND' },
  ERROR_METHOD_NOT_FOUND: { category: 'permanent', code: 'BITRIX24_METHOD_NOT_FOUND' },
  ERROR_BATCH_LENGTH_EXCEEDED: { category: 'permanent', code: 'BITRIX24_BATCH_INVALID' },
  ERROR_BATCH_METHOD_NOT_ALLOWED: { category: 'permanent', code: 'BITRIX24_BATCH_INVALID' },
};

/**
 * Empty (`crm.deal.*`) and numeric (`catalog.*`) codes carry their meaning only in the description
 * (protocol doc §2.4; b24phpsdk ApiLevelErrorHandler matches text the same way).
 */
const BY_DESCRIPTION: Array<[RegExp, Rule]> = [
  [/too many requests/i, BY_CODE.QUERY_LIMIT_EXCEEDED],
  [/operation time limit/i, BY_CODE.OPERATION_TIME_LIMIT],
  [/access denied|permission/i, BY_CODE.ACCESS_DENIED],
  [/not found|does not exist|not exist/i, BY_CODE.NOT_FOUND],
  [/subscription has been ended|payment required/i, BY_CODE.PAYMENT_REQUIRED],
  [/expired/i, BY_CODE.EXPIRED_TOKEN],
];

/** A REST-level error (`{error, error_description}` or a REST 3.0 `{error:{code,message}}`) → a coded error. */
export function classifyRestError(
  httpStatus: number,
  rawCode: unknown,
  description: string,
  context: { method?: string; responseExcerpt?: string; retryAt?: Date; outcome?: CallOutcome } = {},
): Bitrix24Error {
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? rawCode : '';
  const named = typeof code === 'string' && code !== '' ? BY_CODE[code.toUpperCase()] : undefined;
  const rule =
    named ??
    BY_DESCRIPTION.find(([pattern]) => pattern.test(description))?.[1] ??
    (httpStatus >= 500 || httpStatus === 0
      ? { category: 'transient' as const, code: 'BITRIX24_SERVER_ERROR' }
      : httpStatus === 401
        ? BY_CODE.NO_AUTH_FOUND
        : httpStatus === 403
          ? BY_CODE.ACCESS_DENIED
          : httpStatus === 404
            ? BY_CODE.NOT_FOUND
            : { category: 'permanent' as const, code: 'BITRIX24_VALIDATION' });
  const retryAt =
    context.retryAt ?? (rule.code === 'BITRIX24_OVERLOAD_LIMIT' ? new Date(Date.now() + OVERLOAD_RETRY_MS) : undefined);
  // A 5xx may have been answered after the write committed; a 4xx (and a 503 limit refusal) was refused up front.
  const outcome: CallOutcome =
    context.outcome ?? (httpStatus >= 500 && rule.code !== 'BITRIX24_QUERY_LIMIT_EXCEEDED' ? 'unknown' : 'rejected');
  const label = code === '' ? '(empty code)' : String(code);
  return new Bitrix24Error(
    rule.category,
    rule.code,
    `${context.method ?? 'bitrix24'}: ${label} ${description}`.trim(),
    {
      httpStatus: httpStatus || undefined,
      responseExcerpt: context.responseExcerpt,
      retryAt,
      method: context.method,
      outcome,
      bitrixCode: code,
    },
  );
}

/** Reads the v2 (`error`, `error_description`) and v3 (`error.code`, `error.message`) shapes. */
export function errorFields(body: unknown): { code: unknown; description: string } | undefined {
  if (body === null || typeof body !== 'object' || !('error' in body)) {
    return undefined;
  }
  const { error, error_description: description } = body as { error: unknown; error_description?: unknown };
  if (error !== null && typeof error === 'object') {
    const v3 = error as { code?: unknown; message?: unknown };
    return { code: v3.code, description: typeof v3.message === 'string' ? v3.message : '' };
  }
  return { code: error, description: typeof description === 'string' ? description : '' };
}
