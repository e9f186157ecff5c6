import { randomBytes } from 'node:crypto';
import { deleteRedisKeys, migrateBuiltSchema } from '@app/testing';
import { Client } from 'pg';

const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  /** The settings every app process of the benchmark gets. */
  readonly env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated database and Redis key prefix for one benchmark run, dropped afterwards. */
export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const id = randomBytes(4).toString('hex');
  const database = `mm_bench_${tag}_${id}`;
  const databaseUrl = `${POSTGRES}/${database}`;
  const redisKeyPrefix = `mmbench:${id}`;
  await migrateBuiltSchema(databaseUrl);
  return {
    databaseUrl,
    redisUrl: REDIS,
    redisKeyPrefix,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      DB_MIGRATIONS_RUN: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      WORKER_OPS_PORT: '0',
      // The benchmarks drive thousands of requests a minute from one 1C principal to measure throughput: the limiter
      // still counts each one (its Redis round trip is part of the figures) but never refuses.
      RATE_LIMIT_READS: '1000000000',
      RATE_LIMIT_WRITES: '1000000000',
      RATE_LIMIT_ONEC_EXCHANGE: '1000000000',
    },
    drop: async () => {
      const admin = new Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      await deleteRedisKeys(REDIS, `${redisKeyPrefix}*`);
    },
  };
}
