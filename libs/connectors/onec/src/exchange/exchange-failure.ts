/** Stable reasons of a `failure` reply; the first word after `failure\n`, so 1C's log and our admin API agree. */
export type ExchangeFailureCode =
  | 'NOT_CONFIGURED'
  | 'AUTH_REQUIRED'
  | 'AUTH_FAILED'
  | 'TOO_MANY_LOGINS'
  | 'SESSION_EXPIRED'
  | 'SESSION_FAILED'
  | 'SESSID_MISMATCH'
  | 'WRONG_EXCHANGE_TYPE'
  | 'UNKNOWN_TYPE'
  | 'INIT_REQUIRED'
  | 'FILENAME_REQUIRED'
  | 'UNSAFE_FILENAME'
  | 'FILE_TYPE_REFUSED'
  | 'EMPTY_FILE'
  | 'PART_TOO_LARGE'
  | 'SESSION_TOO_LARGE'
  | 'UPLOAD_INTERRUPTED'
  | 'UPLOAD_CONFLICT'
  | 'FILE_NOT_UPLOADED'
  | 'NOT_AN_XML_FILE'
  | 'ARCHIVE_REFUSED'
  | 'XML_REFUSED'
  | 'IMPORT_FAILED'
  | 'QUERY_FAILED'
  | 'INTERNAL_ERROR';

/**
 * Why the exchange answers `failure`. `failsSession` marks input that must stop the whole exchange (a zip bomb, a
 * path trick, XML we refuse): the session is marked failed with this reason and every later call repeats it, so
 * an exchange is never half-applied silently.
 */
export class ExchangeFailure extends Error {
  constructor(
    readonly code: ExchangeFailureCode,
    message: string,
    readonly failsSession = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExchangeFailure';
  }

  /** The reply's second line. */
  get reason(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Absolute file-system paths (`/var/lib/…`, `file:///…`), where a message quotes them; URLs' paths are left alone. */
const SERVER_PATH = /(^|[\s'"(=,:])(?:file:\/\/)?\/(?!\/)[^\s'"),;]*/g;

/**
 * Text fit for a reply to 1C and the admin API: server paths are replaced, because they tell a caller how the host
 * is laid out, and the text is capped. The full error belongs in the server log only.
 */
export function withoutServerPaths(text: string): string {
  return text.replace(SERVER_PATH, '$1<path>').slice(0, 500);
}

/** An error from elsewhere (the file system, a port, the database) as a reply may quote it. */
export function describeError(error: unknown): string {
  return withoutServerPaths(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
