/**
 * Expand/contract, checked: the previous release's queries (test/contract/fixtures/queries-release-n-1.json) run
 * against the schema all migrations build, as the old pods issue them while a rollout runs both releases. A
 * migration that drops, renames or narrows something they use fails here (docs/operations/releases.md says how to
 * refresh the fixture per release).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataSourceOptions, loadMigrations } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../migrations/schema';

interface Fixture {
  release: string;
  queries: { name: string; sql: string; params?: unknown[] }[];
}

const FIXTURE = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'queries-release-n-1.json'), 'utf8')) as Fixture;

describe(`the previous release's (${FIXTURE.release}) queries against the new schema`, () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  beforeAll(async () => {
    env = await createTestEnvironment();
    dataSource = await new DataSource(
      buildDataSourceOptions(env.config(), ALL_ENTITIES, loadMigrations(MIGRATIONS_DIRECTORY)),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await dataSource.showMigrations()).toBe(false);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await env?.dispose();
  });

  it('run in order, each one answering as before', async () => {
    const ran: string[] = [];
    for (const query of FIXTURE.queries) {
      try {
        await dataSource.query(query.sql, query.params ?? []);
        ran.push(query.name);
      } catch (error) {
        throw new Error(`N-1 query "${query.name}" fails on the new schema: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    expect(ran).toEqual(FIXTURE.queries.map((query) => query.name));
    const [delivery] = await dataSource.query<{ status: string; version: number }[]>(
      `SELECT status, version FROM deliveries WHERE document_number = 'SMOKE-N-1'`,
    );
    expect(delivery).toEqual({ status: 'cancelled', version: 2 });
  });
});
