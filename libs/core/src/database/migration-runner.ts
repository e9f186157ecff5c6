import type { DataSource, Migration } from 'typeorm';

/** Any fixed number shared by every process of this service: only one of them migrates at a time. */
const MIGRATION_LOCK_KEY = 0x6d6d6967; // "mmig"

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so the API and worker (or several replicas) starting
 * together do not race; the ones that wait find nothing left to do.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
