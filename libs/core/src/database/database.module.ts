import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions, loadMigrations } from './data-source-options';
import { ensureDatabaseExists } from './ensure-database';
import { runMigrationsExclusively } from './migration-runner';
import { UnitOfWork } from './unit-of-work';

export interface DatabaseModuleOptions {
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  readonly migrationsDirectory: string;
}

/**
 * Prepares the database before any provider can touch it: creates it when allowed, and applies pending migrations
 * on a short-lived connection when DB_MIGRATIONS_RUN is on. The app's own pool then starts on the final schema.
 */
async function prepareDatabase(config: AppConfig, options: DataSourceOptions): Promise<void> {
  const logger = new Logger('Database');
  if (config.database.createIfMissing && (await ensureDatabaseExists(config.database.url))) {
    logger.log('Created the database because it did not exist');
  }
  if (!config.database.migrationsRun) {
    return;
  }
  // Two connections: one holds the advisory lock while TypeORM runs the migrations on the other.
  const migrator = await new DataSource({
    ...options,
    extra: { ...(options.extra as Record<string, unknown>), max: 2 },
  }).initialize();
  try {
    const applied = await runMigrationsExclusively(migrator);
    if (applied.length > 0) {
      logger.log(`Applied ${applied.length} migration(s): ${applied.map((migration) => migration.name).join(', ')}`);
    }
  } finally {
    await migrator.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const dataSourceOptions = buildDataSourceOptions(
              config,
              options.entities,
              loadMigrations(options.migrationsDirectory),
            );
            await prepareDatabase(config, dataSourceOptions);
            return dataSourceOptions;
          },
        }),
      ],
      providers: [UnitOfWork],
      exports: [UnitOfWork],
    };
  }
}
