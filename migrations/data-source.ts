/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate`), built from the same config and
 * entity list as the apps.
 */
import { buildDataSourceOptions, loadConfig, loadMigrations } from '@app/core';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from './schema';

export default new DataSource(buildDataSourceOptions(loadConfig(), ALL_ENTITIES, loadMigrations(MIGRATIONS_DIRECTORY)));
