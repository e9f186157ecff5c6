import { generateKeyPairSync } from 'node:crypto';
import { ConfigValidationError, DEVELOPMENT_JWT_SECRET, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return [...error.problems];
    }
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('starts a fresh clone with no configuration at all', () => {
    const config = loadConfig({});
    expect(config.environment).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/mastermobile');
    expect(config.database.migrationsRun).toBe(true);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.jwt).toMatchObject({
      secret: DEVELOPMENT_JWT_SECRET,
      algorithms: ['HS256'],
      usesDevelopmentSecret: true,
    });
    expect(config.integrationLog.retentionDays).toBe(90);
    expect(config.audit.retentionDays).toBe(90);
    expect(config.http.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.idempotency.ttlHours).toBe(24);
  });

  it('reports every problem at once, one line each', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/x',
      REDIS_URL: 'not a url',
      INTEGRATION_LOG_RETENTION_DAYS: '30',
      LOG_LEVEL: 'loud',
      DB_MIGRATIONS_RUN: 'maybe',
    });
    expect(problems).toEqual([
      'PORT must be an integer, got "eighty"',
      'DATABASE_URL must use postgres: or postgresql:, got "mysql:"',
      'DB_MIGRATIONS_RUN must be a boolean (true/false), got "maybe"',
      'REDIS_URL must be a URL, got "not a url"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'INTEGRATION_LOG_RETENTION_DAYS must be >= 90, got 30',
    ]);
  });

  it('keeps IntegrationLog and audit at least 90 days', () => {
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '89', INTEGRATION_LOG_RETENTION_DAYS: '89' })).toEqual([
      'INTEGRATION_LOG_RETENTION_DAYS must be >= 90, got 89',
      'AUDIT_RETENTION_DAYS must be >= 90, got 89',
    ]);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '400' }).audit.retentionDays).toBe(400);
  });

  it('never prints a database password in a problem', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://admin:s3cret@db/x' });
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses to start production without secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'JWT_ISSUER is required in production',
        'JWT_AUDIENCE is required in production',
        'JWT_PUBLIC_KEY or JWT_JWKS_URL (or JWT_SECRET) is required in production',
      ]),
    );
  });

  it('does not run migrations at start in production unless asked', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_ISSUER: 'https://id.example',
      JWT_AUDIENCE: 'mastermobile',
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(config.database.migrationsRun).toBe(false);
    expect(config.http.swaggerEnabled).toBe(false);
    expect(config.jwt.algorithms).toEqual(['ES256']);
  });

  it('pins RS256 for an RSA public key and rejects two verification sources', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(loadConfig({ JWT_PUBLIC_KEY: pem }).jwt.algorithms).toEqual(['RS256']);
    expect(problemsOf({ JWT_PUBLIC_KEY: pem, JWT_SECRET: 'x'.repeat(40) })).toEqual([
      'Set only one of JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL: one verification source prevents key confusion',
    ]);
    expect(problemsOf({ JWT_PUBLIC_KEY: 'not a key' })).toEqual(['JWT_PUBLIC_KEY is not a valid PEM public key']);
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual(['JWT_SECRET must be at least 32 characters']);
  });

  it('trusts X-Forwarded-For only from listed proxy addresses and refuses settings that trust anybody', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.244.0.0/16, 192.0.2.7,fd00::/8' }).http.trustProxy).toEqual([
      '10.244.0.0/16',
      '192.0.2.7',
      'fd00::/8',
    ]);
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([
      'TRUST_PROXY=true would let any client that reaches the API directly forge X-Forwarded-For: list the ' +
        'addresses or CIDRs of the proxies in front of it (the ingress controller pods) instead',
    ]);
    expect(problemsOf({ TRUST_PROXY: '1' })).toEqual([expect.stringMatching(/^TRUST_PROXY=1 would let any client/)]);
    expect(problemsOf({ TRUST_PROXY: '0.0.0.0/0,10.0.0.0/33,ingress' })).toEqual([
      'TRUST_PROXY must be false or a comma-separated list of IP addresses/CIDRs (not /0), got ' +
        '"0.0.0.0/0, 10.0.0.0/33, ingress"',
    ]);
  });

  it('limits every caller by default and refuses budgets that would refuse everything', () => {
    expect(loadConfig({}).rateLimit).toEqual({
      enabled: true,
      windowSeconds: 60,
      budgets: { reads: 3000, writes: 1200, 'onec-exchange': 1200, console: 600 },
    });
    expect(problemsOf({ RATE_LIMIT_WRITES: '0', RATE_LIMIT_WINDOW_SECONDS: '0' })).toEqual([
      'RATE_LIMIT_WINDOW_SECONDS must be >= 1, got 0',
      'RATE_LIMIT_WRITES must be >= 1, got 0',
    ]);
  });

  it('refuses a JWKS URL over plain HTTP in production', () => {
    const production = { NODE_ENV: 'production', JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'mastermobile' };
    expect(problemsOf({ ...production, JWT_JWKS_URL: 'http://id.example/.well-known/jwks.json' })).toEqual([
      'JWT_JWKS_URL must use https:, got "http:"',
    ]);
    expect(problemsOf({ ...production, JWT_JWKS_URL: 'https://id.example/.well-known/jwks.json' })).toEqual([]);
    expect(loadConfig({ JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).jwt.jwksUrl).toBe(
      'http://127.0.0.1:8080/jwks.json',
    );
  });
});
