import { buildDataSourceOptions, loadMigrations } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../migrations/schema';

describe('migrations', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  beforeAll(async () => {
    env = await createTestEnvironment();
    dataSource = await new DataSource(
      buildDataSourceOptions(env.config(), ALL_ENTITIES, loadMigrations(MIGRATIONS_DIRECTORY)),
    ).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await env.dispose();
  });

  it('leave nothing for migration:generate to find (entities and schema agree)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('are all applied in the template, and each one reverts and re-applies cleanly', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const count = loadMigrations(MIGRATIONS_DIRECTORY).length;
    for (let index = 0; index < count; index += 1) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const tables = await dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
    );
    expect(Number(tables[0].n)).toBe(0);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await dataSource.showMigrations()).toBe(false);
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
