import { type EnvReader, registerConfigSection } from '@app/core';

export type OnecReplyEncoding = 'windows-1251' | 'utf-8';
export type OnecSaleSchemaVersion = '2.05' | '2.08' | '2.10';

/** The exchange account 1C's "exchange with a site" node logs in with (HTTP Basic on `mode=checkauth`). */
export interface OnecExchangeAccount {
  readonly login: string;
  readonly password: string;
}

/** The CommerceML exchange endpoint 1C connects to (`/api/v1/exchange/1c`, `/bitrix/admin/1c_exchange.php`). */
export interface OnecExchangeSettings {
  /** Absent when the exchange is not set up: every call then answers `failure`. */
  readonly account?: OnecExchangeAccount;
  /** `file_limit` announced on `mode=init`: the most bytes one `mode=file` POST may carry. */
  readonly fileLimitBytes: number;
  /** Where uploads and unpacked archives live, one folder per exchange session. */
  readonly workDir: string;
  /** Whether `mode=init` invites 1C to send one zip archive (`zip=yes`). */
  readonly zip: boolean;
  /** Product images under `import_files/`: kept in the work area, or dropped as they arrive. */
  readonly images: 'store' | 'skip';
  /** Everything one exchange session may upload, all parts together. */
  readonly maxSessionBytes: number;
  /** A session unused this long expires (every request renews it). */
  readonly sessionTtlSeconds: number;
  /** Wall time one `mode=import` request may spend before it answers `progress`. */
  readonly importSliceMs: number;
  /** Charset of every reply: status texts and the `sale/query` XML (UTF-8 is written with a BOM). */
  readonly encoding: OnecReplyEncoding;
  /** Failed logins for one login from one source address per 15 minutes before they are refused outright. */
  readonly loginAttempts: number;
  /** Failed logins for one login from all sources together per 15 minutes before it is refused outright. */
  readonly loginAttemptsTotal: number;
}

export interface OnecSaleSettings {
  /** `ВерсияСхемы` of the `sale/query` reply and the `version=` answered on `sale/init`. */
  readonly schemaVersion: OnecSaleSchemaVersion;
  /** Orders and returns per `sale/query` reply; the rest go in the next exchange. */
  readonly queryLimit: number;
}

/** The client of 1C's published HTTP service (outbound push). */
export interface OnecHttpSettings {
  readonly baseUrl: string;
  readonly login?: string;
  readonly password?: string;
  readonly timeoutMs: number;
  readonly breaker: { readonly failureThreshold: number; readonly halfOpenAfterMs: number };
}

/** 1C connector settings (CommerceML exchange endpoint and HTTP-service client). Owned by the 1C connector. */
export interface OnecSettings {
  /** Base URL of 1C's published HTTP service; absent when 1C pulls from the feed instead. */
  readonly httpBaseUrl?: string;
  /** Present exactly when `httpBaseUrl` is. */
  readonly http?: OnecHttpSettings;
  readonly exchange: OnecExchangeSettings;
  readonly sale: OnecSaleSettings;
  /** 1C works in local wall-clock time: dates we write for it (`ДатаФормирования`) are in this IANA zone. */
  readonly timeZone: string;
}

const MIN_PRODUCTION_PASSWORD_LENGTH = 16;

export function readOnecConfig(read: EnvReader): OnecSettings {
  const httpBaseUrl = read.url('ONEC_HTTP_BASE_URL', undefined, ['https:', 'http:']);
  const httpLogin = read.optionalString('ONEC_HTTP_LOGIN');
  const httpPassword = read.optionalString('ONEC_HTTP_PASSWORD');
  if (httpPassword !== undefined && httpLogin === undefined) {
    read.problem('ONEC_HTTP_PASSWORD is set without ONEC_HTTP_LOGIN');
  }
  const httpTimeoutMs = read.int('ONEC_HTTP_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 });
  const breaker = {
    failureThreshold: read.int('ONEC_HTTP_BREAKER_FAILURES', 5, { min: 1 }),
    halfOpenAfterMs: read.int('ONEC_HTTP_BREAKER_HALF_OPEN_AFTER_MS', 30_000, { min: 10 }),
  };

  const exchangeLogin = read.optionalString('ONEC_EXCHANGE_LOGIN');
  const exchangePassword = read.optionalString('ONEC_EXCHANGE_PASSWORD');
  if ((exchangeLogin === undefined) !== (exchangePassword === undefined)) {
    read.problem('ONEC_EXCHANGE_LOGIN and ONEC_EXCHANGE_PASSWORD are set together or not at all');
  }
  if (exchangeLogin?.includes(':')) {
    read.problem('ONEC_EXCHANGE_LOGIN must not contain ":" (HTTP Basic cannot carry it)');
  }
  // The endpoint is on the internet and the login lockout only slows guessing down; length is what defeats it.
  if (read.production && exchangePassword !== undefined && exchangePassword.length < MIN_PRODUCTION_PASSWORD_LENGTH) {
    read.problem(`ONEC_EXCHANGE_PASSWORD must be at least ${MIN_PRODUCTION_PASSWORD_LENGTH} characters in production`);
  }

  const timeZone = read.string('ONEC_TIME_ZONE', 'Europe/Moscow');
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    read.problem(`ONEC_TIME_ZONE must be an IANA time zone such as Europe/Moscow, got "${timeZone}"`);
  }

  return {
    httpBaseUrl,
    http:
      httpBaseUrl === undefined
        ? undefined
        : { baseUrl: httpBaseUrl, login: httpLogin, password: httpPassword, timeoutMs: httpTimeoutMs, breaker },
    exchange: {
      account:
        exchangeLogin !== undefined && exchangePassword !== undefined
          ? { login: exchangeLogin, password: exchangePassword }
          : undefined,
      fileLimitBytes: read.int('ONEC_EXCHANGE_FILE_LIMIT', 1024 * 1024, { min: 1024, max: 512 * 1024 * 1024 }),
      workDir: read.string('ONEC_EXCHANGE_WORK_DIR', '/tmp/mastermobile-onec-exchange'),
      zip: read.bool('ONEC_EXCHANGE_ZIP', true),
      images: read.oneOf('ONEC_EXCHANGE_IMAGES', ['store', 'skip'], 'store'),
      maxSessionBytes: read.int('ONEC_EXCHANGE_MAX_SESSION_BYTES', 2 * 1024 * 1024 * 1024, { min: 1024 * 1024 }),
      sessionTtlSeconds: read.int('ONEC_EXCHANGE_SESSION_TTL_SECONDS', 3600, { min: 60, max: 7 * 24 * 3600 }),
      importSliceMs: read.int('ONEC_EXCHANGE_IMPORT_SLICE_MS', 5_000, { min: 10, max: 120_000 }),
      encoding: read.oneOf<OnecReplyEncoding>('ONEC_EXCHANGE_ENCODING', ['windows-1251', 'utf-8'], 'windows-1251'),
      loginAttempts: read.int('ONEC_EXCHANGE_LOGIN_ATTEMPTS', 10, { min: 1, max: 10_000 }),
      loginAttemptsTotal: read.int('ONEC_EXCHANGE_LOGIN_ATTEMPTS_TOTAL', 100, { min: 1, max: 100_000 }),
    },
    sale: {
      schemaVersion: read.oneOf<OnecSaleSchemaVersion>('ONEC_SALE_SCHEMA_VERSION', ['2.05', '2.08', '2.10'], '2.10'),
      queryLimit: read.int('ONEC_SALE_QUERY_LIMIT', 500, { min: 1, max: 10_000 }),
    },
    timeZone,
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The 1C connector's section: the CommerceML exchange, the sale exchange and 1C's HTTP service. */
    readonly onec: OnecSettings;
  }
}

registerConfigSection('onec', readOnecConfig);
