import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadMigrations } from '../libs/core/src/database/data-source-options';
import { runMigrationsExclusively } from '../libs/core/src/database/migration-runner';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const MIGRATIONS = join(__dirname, '..', 'migrations');

/**
 * Migrates one template database per distinct set of migrations; every test file then clones it with
 * CREATE DATABASE … TEMPLATE, which takes milliseconds instead of re-running migrations per file.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  process.env.MM_TEST_RUN_ID = randomBytes(3).toString('hex');
  // Tests that start real API and worker processes run them from the build, exactly as production does.
  execFileSync('npm', ['run', '-s', 'build'], { cwd: join(__dirname, '..'), stdio: 'inherit' });

  const digest = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS).sort()) {
    if (/^\d{13}-.*\.ts$/.test(file)) {
      digest.update(file).update(readFileSync(join(MIGRATIONS, file)));
    }
  }
  const template = `mm_template_${digest.digest('hex').slice(0, 16)}`;
  process.env.MM_TEST_TEMPLATE_DB = template;

  const admin = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) {
      return;
    }
    const building = `${template}_build_${process.pid}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    const dataSource = await new DataSource({
      type: 'postgres',
      url: `${POSTGRES_URL}/${building}`,
      migrations: loadMigrations(MIGRATIONS) as never,
      migrationsTableName: 'schema_migrations',
      extra: { max: 2 },
    }).initialize();
    try {
      await runMigrationsExclusively(dataSource);
    } finally {
      await dataSource.destroy();
    }
    // Renaming makes the finished template appear atomically to concurrent runs.
    await admin
      .query(`ALTER DATABASE "${building}" RENAME TO "${template}"`)
      .catch(async (error: { code?: string }) => {
        await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
        if (error.code !== '42P04') {
          throw error;
        }
      });
  } finally {
    await admin.end();
  }
}
