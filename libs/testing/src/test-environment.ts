import { randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from '@app/core';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Set by test/global-setup.ts: a database migrated once, cloned per test file. */
export function templateDatabaseName(): string {
  const name = process.env.MM_TEST_TEMPLATE_DB;
  if (!name) {
    throw new Error('MM_TEST_TEMPLATE_DB is not set: run tests through jest (test/global-setup.ts creates it)');
  }
  return name;
}

/**
 * Names every database and Redis key prefix of one test run, so the global teardown can remove whatever a
 * crashed or careless test left behind without touching a concurrent run's.
 */
export function testRunId(): string {
  return process.env.MM_TEST_RUN_ID ?? 'adhoc';
}

export function testDatabaseName(id: string): string {
  return `mm_test_${testRunId()}_${id}`;
}

export function testRedisPrefix(id: string): string {
  return `mmtest:${testRunId()}:${id}`;
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${TEST_POSTGRES_URL}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An isolated world for one test file: its own database (cloned from the template) and Redis key prefix. */
export interface TestEnvironment {
  readonly id: string;
  readonly databaseName: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  /** Environment variables for an app or worker process started by the test. */
  readonly env: Record<string, string>;
  /** The same settings as a typed config, with optional overrides. */
  config(overrides?: Record<string, string>): AppConfig;
  dispose(): Promise<void>;
}

export async function createTestEnvironment(
  options: { redisUrl?: string; env?: Record<string, string> } = {},
): Promise<TestEnvironment> {
  const id = randomBytes(6).toString('hex');
  const databaseName = testDatabaseName(id);
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE "${databaseName}" TEMPLATE "${templateDatabaseName()}"`),
  );
  const databaseUrl = `${TEST_POSTGRES_URL}/${databaseName}`;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const redisKeyPrefix = testRedisPrefix(id);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    DB_MIGRATIONS_RUN: 'false',
    DB_CREATE_IF_MISSING: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  };
  return {
    id,
    databaseName,
    databaseUrl,
    redisUrl,
    redisKeyPrefix,
    env,
    config: (overrides = {}) => loadConfig({ ...env, ...overrides }),
    dispose: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`));
      await deleteRedisKeys(redisUrl, `${redisKeyPrefix}*`).catch(() => undefined);
    },
  };
}

export async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.unlink(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
