import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigSections, registeredConfigSections } from './config-section';
import { EnvReader } from './env-reader';

export type Environment = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';
/**
 * Whose `X-Forwarded-For` is believed: nobody, or peers at these addresses/CIDRs (the ingress). Never everybody:
 * then any client names its own address and walks past every per-source cap and lockout.
 */
export type TrustProxy = false | readonly string[];

/**
 * The budgets a caller spends, each counted on its own: reads (GET/HEAD), writes (every other method), 1C's
 * CommerceML exchange, and the back-office console. A route names its class with `@RateLimitClass`.
 */
export const RATE_LIMIT_CLASSES = ['reads', 'writes', 'onec-exchange', 'console'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/** The development JWT secret: public on purpose, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'mastermobile-development-secret-do-not-use-in-production';

export interface JwtSettings {
  /** Exactly one verification source is set. */
  readonly secret?: string;
  readonly publicKey?: string;
  readonly jwksUrl?: string;
  /** Pinned per source: never taken from the token header. */
  readonly algorithms: readonly JwtAlgorithm[];
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly usesDevelopmentSecret: boolean;
}

/**
 * The sections other libs register (`registerConfigSection`) are typed members of AppConfig through this merge,
 * so `config.onec` reads like a core section while core knows nothing of the 1C connector.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends ConfigSections {}

/**
 * The whole typed configuration. `process.env` is read only by {@link loadConfig}; everything else receives this.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  readonly environment!: Environment;
  readonly serviceName!: string;
  readonly http!: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly swaggerEnabled: boolean;
    readonly trustProxy: TrustProxy;
  };
  readonly database!: {
    readonly url: string;
    readonly poolSize: number;
    /** Whether transactions' repeated statements are prepared per connection (see StatementNames). */
    readonly preparedStatements: boolean;
    readonly migrationsRun: boolean;
    readonly createIfMissing: boolean;
  };
  readonly redis!: {
    readonly url: string;
    readonly keyPrefix: string;
  };
  readonly jwt!: JwtSettings;
  /** Requests a subject (token principal, else client address) may make per class in one window, on all replicas. */
  readonly rateLimit!: {
    readonly enabled: boolean;
    readonly windowSeconds: number;
    readonly budgets: Readonly<Record<RateLimitClass, number>>;
  };
  readonly logging!: { readonly level: LogLevel };
  readonly telemetry!: { readonly otlpEndpoint?: string };
  readonly idempotency!: { readonly ttlHours: number; readonly maxStoredBodyBytes: number };
  readonly integrationLog!: { readonly retentionDays: number; readonly maxBodyBytes: number };
  /** The admin audit log and the audit trail of business records; retention drops whole monthly partitions. */
  readonly audit!: { readonly retentionDays: number };
  readonly shutdown!: { readonly timeoutMs: number };
  readonly worker!: { readonly concurrency: number; readonly opsPort: number };
  readonly events!: {
    /** CloudEvents `source` of everything this deployment emits. */
    readonly source: string;
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly relayBatchSize: number;
    /** Events of different subjects one job may carry to a transactional consumer (applied in one transaction). */
    readonly bundleSize: number;
    readonly relayPollIntervalMs: number;
    /** A dispatched event whose job is gone from Redis this long is published again. */
    readonly reconcileAfterMs: number;
    readonly retentionDays: number;
    /** How long a job's lock lives without renewal: how soon a crashed worker's jobs are re-run elsewhere. */
    readonly jobLockMs: number;
    readonly stalledCheckIntervalMs: number;
  };

  static from(values: Omit<AppConfig, 'production'>): AppConfig {
    return Object.freeze(Object.assign(new AppConfig(), values));
  }

  get production(): boolean {
    return this.environment === 'production';
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const probe = new EnvReader(env, false);
  const environment = probe.oneOf<Environment>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const read = new EnvReader(env, environment === 'production');
  read.problems.push(...probe.problems);
  const production = environment === 'production';

  const sections = Object.fromEntries(
    registeredConfigSections().map((section) => [section.key, section.read(read)]),
  ) as unknown as ConfigSections;
  const config = AppConfig.from({
    ...sections,
    environment,
    serviceName: read.string('OTEL_SERVICE_NAME', 'mastermobile-middleware'),
    http: {
      host: read.string('HOST', '0.0.0.0'),
      port: read.int('PORT', 3000, { min: 0, max: 65535 }),
      bodyLimitBytes: read.int('HTTP_BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024 }),
      swaggerEnabled: read.bool('SWAGGER_ENABLED', !production),
      trustProxy: readTrustProxy(read),
    },
    database: {
      url: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/mastermobile', ['postgres:', 'postgresql:'])!,
      poolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
      preparedStatements: read.bool('DATABASE_PREPARED_STATEMENTS', true),
      migrationsRun: read.bool('DB_MIGRATIONS_RUN', !production),
      createIfMissing: read.bool('DB_CREATE_IF_MISSING', !production),
    },
    redis: {
      url: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
      keyPrefix: read.string('REDIS_KEY_PREFIX', 'mm'),
    },
    jwt: readJwt(read, production),
    rateLimit: {
      enabled: read.bool('RATE_LIMIT_ENABLED', true),
      windowSeconds: read.int('RATE_LIMIT_WINDOW_SECONDS', 60, { min: 1, max: 3600 }),
      budgets: {
        reads: read.int('RATE_LIMIT_READS', 3000, { min: 1 }),
        writes: read.int('RATE_LIMIT_WRITES', 1200, { min: 1 }),
        'onec-exchange': read.int('RATE_LIMIT_ONEC_EXCHANGE', 1200, { min: 1 }),
        console: read.int('RATE_LIMIT_CONSOLE', 600, { min: 1 }),
      },
    },
    logging: {
      level: read.oneOf<LogLevel>(
        'LOG_LEVEL',
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        environment === 'test' ? 'warn' : 'info',
      ),
    },
    telemetry: { otlpEndpoint: read.url('OTEL_EXPORTER_OTLP_ENDPOINT', undefined, ['http:', 'https:']) },
    idempotency: {
      ttlHours: read.int('IDEMPOTENCY_TTL_HOURS', 24, { min: 24, max: 24 * 30 }),
      maxStoredBodyBytes: read.int('IDEMPOTENCY_MAX_STORED_BODY_BYTES', 64 * 1024, { min: 1024 }),
    },
    integrationLog: {
      retentionDays: read.int('INTEGRATION_LOG_RETENTION_DAYS', 90, { min: 90 }),
      maxBodyBytes: read.int('INTEGRATION_LOG_MAX_BODY_BYTES', 16 * 1024, { min: 256 }),
    },
    audit: { retentionDays: read.int('AUDIT_RETENTION_DAYS', 90, { min: 90 }) },
    shutdown: { timeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 25_000, { min: 1000 }) },
    worker: {
      concurrency: read.int('WORKER_CONCURRENCY', 8, { min: 1, max: 256 }),
      opsPort: read.int('WORKER_OPS_PORT', 9464, { min: 0, max: 65535 }),
    },
    events: {
      source: read.string('EVENTS_SOURCE', `/mastermobile/middleware/${environment}`),
      maxAttempts: read.int('EVENTS_MAX_ATTEMPTS', 8, { min: 1, max: 100 }),
      backoffBaseMs: read.int('EVENTS_BACKOFF_BASE_MS', 2_000, { min: 1 }),
      backoffMaxMs: read.int('EVENTS_BACKOFF_MAX_MS', 10 * 60_000, { min: 1 }),
      relayBatchSize: read.int('EVENTS_RELAY_BATCH_SIZE', 500, { min: 1, max: 5_000 }),
      bundleSize: read.int('EVENTS_BUNDLE_SIZE', 20, { min: 1, max: 500 }),
      relayPollIntervalMs: read.int('EVENTS_RELAY_POLL_INTERVAL_MS', 250, { min: 10 }),
      reconcileAfterMs: read.int('EVENTS_RECONCILE_AFTER_MS', 2 * 60_000, { min: 100 }),
      retentionDays: read.int('EVENTS_RETENTION_DAYS', 30, { min: 1 }),
      jobLockMs: read.int('EVENTS_JOB_LOCK_MS', 30_000, { min: 1_000 }),
      stalledCheckIntervalMs: read.int('EVENTS_STALLED_CHECK_INTERVAL_MS', 30_000, { min: 500 }),
    },
  });

  if (read.problems.length > 0) {
    throw new ConfigValidationError(read.problems);
  }
  return config;
}

function readJwt(read: EnvReader, production: boolean): JwtSettings {
  const secret = read.optionalString('JWT_SECRET');
  const publicKey = read.optionalString('JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n');
  // Keys fetched over plain HTTP can be swapped in transit, and whoever swaps them mints any token.
  const jwksUrl = read.url('JWT_JWKS_URL', undefined, production ? ['https:'] : ['https:', 'http:']);
  const issuer = read.secret('JWT_ISSUER', 'mastermobile-dev');
  const audience = read.secret('JWT_AUDIENCE', 'mastermobile-api');
  const clockToleranceSeconds = read.int('JWT_CLOCK_TOLERANCE_SECONDS', 30, { min: 0, max: 30 });
  const common = { issuer, audience, clockToleranceSeconds };

  const sources = [secret, publicKey, jwksUrl].filter((value) => value !== undefined).length;
  if (sources > 1) {
    read.problem(
      'Set only one of JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL: one verification source prevents key confusion',
    );
  }
  if (publicKey !== undefined) {
    return { ...common, publicKey, algorithms: [algorithmForPublicKey(read, publicKey)], usesDevelopmentSecret: false };
  }
  if (jwksUrl !== undefined) {
    return { ...common, jwksUrl, algorithms: ['RS256', 'ES256'], usesDevelopmentSecret: false };
  }
  if (secret !== undefined) {
    if (secret.length < 32) {
      read.problem('JWT_SECRET must be at least 32 characters');
    }
    return { ...common, secret, algorithms: ['HS256'], usesDevelopmentSecret: false };
  }
  if (production) {
    read.problem('JWT_PUBLIC_KEY or JWT_JWKS_URL (or JWT_SECRET) is required in production');
  }
  return { ...common, secret: DEVELOPMENT_JWT_SECRET, algorithms: ['HS256'], usesDevelopmentSecret: true };
}

/**
 * TRUST_PROXY lists the proxies whose X-Forwarded-For is believed, by address or CIDR; each listed hop is skipped
 * from the right and the first unlisted address is the client. `true` and hop counts are refused: neither checks
 * who the immediate peer is, so a client that reaches the pods directly names its own address (Fastify 5 ignores
 * hop counts for that reason).
 */
function readTrustProxy(read: EnvReader): TrustProxy {
  const value = read.string('TRUST_PROXY', 'false');
  if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) {
    return false;
  }
  if (['true', 'yes', 'on'].includes(value.toLowerCase()) || /^\d+$/.test(value)) {
    read.problem(
      `TRUST_PROXY=${value} would let any client that reaches the API directly forge X-Forwarded-For: list the ` +
        'addresses or CIDRs of the proxies in front of it (the ingress controller pods) instead',
    );
    return false;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const invalid = entries.filter((entry) => !isAddressOrCidr(entry));
  if (invalid.length > 0) {
    read.problem(
      `TRUST_PROXY must be false or a comma-separated list of IP addresses/CIDRs (not /0), got "${invalid.join(', ')}"`,
    );
    return false;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) {
    return false;
  }
  // A /0 range is every address: the same as trusting every hop.
  return (
    prefix === undefined ||
    (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128))
  );
}

function algorithmForPublicKey(read: EnvReader, pem: string): JwtAlgorithm {
  try {
    const type = createPublicKey(pem).asymmetricKeyType;
    if (type === 'rsa') {
      return 'RS256';
    }
    if (type === 'ec') {
      return 'ES256';
    }
    read.problem(`JWT_PUBLIC_KEY must be an RSA or EC public key, got ${type ?? 'unknown'}`);
  } catch {
    read.problem('JWT_PUBLIC_KEY is not a valid PEM public key');
  }
  return 'RS256';
}
