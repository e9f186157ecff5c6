import { join } from 'node:path';
import { ensureDatabaseExists, loadMigrations, runMigrationsExclusively } from '@app/core';
import { DataSource } from 'typeorm';
import { findRepoRoot } from './shared-folder';

/** Creates the database if missing and applies the built migrations (`dist/migrations`), as benches and drills need. */
export async function migrateBuiltSchema(databaseUrl: string): Promise<void> {
  await ensureDatabaseExists(databaseUrl);
  const migrator = await new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: loadMigrations(join(findRepoRoot(), 'dist', 'migrations')) as never,
    migrationsTableName: 'schema_migrations',
    extra: { max: 2 },
  }).initialize();
  try {
    await runMigrationsExclusively(migrator);
  } finally {
    await migrator.destroy();
  }
}
