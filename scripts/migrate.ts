/**
 * One-shot migration runner for containers and Kubernetes Jobs: `node dist/scripts/migrate.js`.
 *
 * Creates the database only when DB_CREATE_IF_MISSING allows it (never by default in production), applies pending
 * migrations under the same advisory lock the apps use, prints what it applied and exits 0, or exits 1 with one
 * clear message. It deliberately ignores DB_MIGRATIONS_RUN: running this script is the request to migrate.
 */
import 'reflect-metadata';
import {
  buildDataSourceOptions,
  ConfigValidationError,
  ensureDatabaseExists,
  loadConfig,
  loadMigrations,
  runMigrationsExclusively,
} from '@app/core';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../migrations/schema';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `database "mastermobile" on db:5432`: enough to tell environments apart, with no credentials to leak. */
function describeTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `database "${name}" on ${url.hostname}:${url.port || '5432'}`;
}

/**
 * PostgreSQL and network errors carry a code and a message that says it all (ECONNREFUSED, 28P01, 3D000); a stack
 * trace only helps for a bug in a migration's own code.
 */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { code, query } = error as Error & { code?: unknown; query?: unknown };
  if (typeof code !== 'string') {
    return error.stack ?? error.message;
  }
  const statement = typeof query === 'string' ? `\n  while running: ${query}` : '';
  const hint = code === '3D000' ? '\n  Create it, or set DB_CREATE_IF_MISSING=true to let this script create it.' : '';
  return `${error.message} (${code})${statement}${hint}`;
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const target = describeTarget(config.database.url);

  if (config.database.createIfMissing && (await ensureDatabaseExists(config.database.url))) {
    say(`Created ${target}`);
  }

  const options = buildDataSourceOptions(config, ALL_ENTITIES, loadMigrations(MIGRATIONS_DIRECTORY));
  // Two connections: one holds the advisory lock while TypeORM runs the migrations on the other.
  const dataSource = await new DataSource({
    ...options,
    extra: { ...(options.extra as Record<string, unknown>), max: 2 },
  }).initialize();
  try {
    say(`Migrating ${target}`);
    const applied = await runMigrationsExclusively(dataSource);
    if (applied.length === 0) {
      say('No pending migrations: the schema is up to date');
      return;
    }
    for (const migration of applied) {
      say(`Applied ${migration.name}`);
    }
    say(`Applied ${applied.length} migration(s)`);
  } finally {
    await dataSource.destroy();
  }
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof ConfigValidationError) {
      // The message already lists every problem, one per line; a stack trace would only bury it.
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Migration failed: ${describeFailure(error)}\n`);
    }
    process.exit(1);
  },
);
