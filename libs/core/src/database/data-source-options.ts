import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions, MixedList } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

type EntityList = DataSourceOptions['entities'];
type MigrationClass = new () => unknown;

/**
 * Loads migration classes from a folder by name (`<timestamp>-<Name>.ts|js`). Requiring them, rather than handing
 * TypeORM a glob, works the same under jest (TypeScript sources) and in production (compiled JavaScript).
 */
export function loadMigrations(directory: string): MigrationClass[] {
  return readdirSync(directory)
    .filter((file) => /^\d{13}-[A-Za-z0-9]+\.(ts|js)$/.test(file))
    .sort()
    .flatMap((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(join(directory, file)) as Record<string, unknown>;
      return Object.values(module).filter((value): value is MigrationClass => typeof value === 'function');
    });
}

export function buildDataSourceOptions(
  config: AppConfig,
  entities: EntityList,
  migrations: MixedList<MigrationClass>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities,
    migrations: migrations as DataSourceOptions['migrations'],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: config.serviceName,
    extra: {
      max: config.database.poolSize,
      // Fail fast rather than queueing forever when PostgreSQL is gone; readiness turns red instead.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 60_000,
    },
  };
}
