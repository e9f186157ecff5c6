import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error';

/**
 * The data exceptions (SQLSTATE class 22) PostgreSQL raises while converting a value to a column's type, with what
 * the client is told. The rest of the class (division by zero, arithmetic overflow, null_value_not_allowed, array
 * subscripts…) only our own SQL can cause.
 */
const CONVERSION_FAILURES: Readonly<Record<string, string>> = {
  '22P02': 'value has the wrong format for this field', // invalid_text_representation
  '22007': 'value has the wrong format for this field', // invalid_datetime_format
  '22003': 'value is out of range for this field', // numeric_value_out_of_range
  '22008': 'value is out of range for this field', // datetime_field_overflow
  '22001': 'value is too long for this field', // string_data_right_truncation
  '22021': 'value contains a character that cannot be stored', // character_not_in_repertoire (NUL in text)
  '22P05': 'value contains a character that cannot be stored', // untranslatable_character (\u0000 in jsonb)
};

/** How PostgreSQL quotes the offending value in its message, in English and in the translations that differ. */
const QUOTES: readonly (readonly [string, string])[] = [
  ['"', '"'],
  ['«', '»'],
  ['»', '«'],
  ['„', '“'],
];

/** Enough to cover any request a route accepts; beyond it attribution gives up (and the error stays a 500). */
const MAX_REQUEST_VALUES = 10_000;

export interface RequestValue {
  /** Dotted, like the validation pipe's paths: `from`, `id`, `items.0.sku`. */
  readonly path: string;
  readonly value: string;
}

export interface BlamedInput {
  readonly sqlstate: string;
  readonly path: string;
  readonly error: AppError;
}

/**
 * Every scalar (and every key) a request carries in its path parameters, query and parsed body. Walked with an
 * explicit stack: a deeply nested body must not overflow it.
 */
export function requestValues(request: { params?: unknown; query?: unknown; body?: unknown }): RequestValue[] {
  const values: RequestValue[] = [];
  const pending: { path: string; value: unknown }[] = [request.params, request.query, request.body].map((value) => ({
    path: '',
    value,
  }));
  while (pending.length > 0 && values.length < MAX_REQUEST_VALUES) {
    const { path, value } = pending.pop()!;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
      values.push({ path, value: String(value) });
    } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !isStream(value)) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = path ? `${path}.${key}` : key;
        values.push({ path: itemPath, value: key });
        pending.push({ path: itemPath, value: item });
      }
    }
  }
  return values;
}

/**
 * Decides whether a database error is the request's fault, and only says so with evidence: the SQLSTATE is a
 * conversion failure AND the value PostgreSQL names (quoted in its message), the NUL it refused, or a string longer
 * than the column's limit is one the client sent. The same conditions can come from our own data (a counter that
 * overflows, a value we built too long for its column), and then no request value matches: it stays a 500, ours to
 * fix. Input validation is the real guard; this is defence in depth for what it misses.
 */
export function blameRequestInput(error: unknown, values: () => readonly RequestValue[]): BlamedInput | undefined {
  if (!(error instanceof QueryFailedError)) {
    return undefined;
  }
  const sqlstate = (error as { code?: unknown }).code;
  const message = typeof sqlstate === 'string' ? CONVERSION_FAILURES[sqlstate] : undefined;
  if (typeof sqlstate !== 'string' || message === undefined) {
    return undefined;
  }
  const culprit = values().find((candidate) => caused(sqlstate, error.message, candidate.value));
  if (!culprit) {
    return undefined;
  }
  // Keys are the client's, so the path is echoed and logged at a bounded length.
  const path = (culprit.path || 'body').slice(0, 200);
  return {
    sqlstate,
    path,
    error: new AppError('INVALID_VALUE', 'invalid_input', 'Invalid value', {
      detail: `The value of ${path} cannot be used for the field it targets.`,
      errors: [{ path, message }],
    }),
  };
}

function caused(sqlstate: string, message: string, value: string): boolean {
  switch (sqlstate) {
    case '22001': {
      const limit = /\((\d+)\)/.exec(message);
      return limit !== null && [...value].length > Number(limit[1]);
    }
    case '22021':
    case '22P05':
      return value.includes('\u0000');
    default:
      return QUOTES.some(([open, close]) => message.includes(`${open}${value}${close}`));
  }
}

function isStream(value: object): boolean {
  return typeof (value as { pipe?: unknown }).pipe === 'function';
}
