import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { FeedServedPosition1796399034143 } from '../../migrations/1796399034143-FeedServedPosition';

/**
 * Consumers of the previous release hold cursors it served without recording them: after the upgrade, any cursor
 * up to the newest stored event must still be acknowledgeable, and nothing beyond it.
 */
describe('FeedServedPosition migration', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;

  beforeAll(async () => {
    env = await createTestEnvironment();
    dataSource = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await env?.dispose();
  });

  it('counts every stored event of the destination as served, never less than the acknowledged position', async () => {
    await dataSource.query('ALTER TABLE feed_cursors DROP COLUMN served_tx_id, DROP COLUMN served_position');
    await dataSource.query(
      `INSERT INTO outbox_events (id, tx_id, position, destination, type, subject, source, time, data)
       VALUES (gen_random_uuid(), 7, 20, 'onec', 't', 's', 'test', now(), '{}'),
              (gen_random_uuid(), 9, 15, 'onec', 't', 's', 'test', now(), '{}'),
              (gen_random_uuid(), 50, 99, 'elsewhere', 't', 's', 'test', now(), '{}')`,
    );
    await dataSource.query(
      `INSERT INTO feed_cursors (consumer, destination, tx_id, position)
       VALUES ('reader', 'onec', 7, 20), ('idle', 'quiet', 3, 4)`,
    );

    const runner = dataSource.createQueryRunner();
    try {
      await new FeedServedPosition1796399034143().up(runner);
    } finally {
      await runner.release();
    }

    expect(
      await dataSource.query('SELECT consumer, served_tx_id, served_position FROM feed_cursors ORDER BY consumer'),
    ).toEqual([
      { consumer: 'idle', served_tx_id: '3', served_position: '4' },
      { consumer: 'reader', served_tx_id: '9', served_position: '15' },
    ]);
  });
});
