import { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedServedPosition1796399034143 implements MigrationInterface {
  name = 'FeedServedPosition1796399034143';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "feed_cursors"
            ADD "served_tx_id" bigint NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "feed_cursors"
            ADD "served_position" bigint NOT NULL DEFAULT '0'
        `);
    // The previous release served pages without recording them, so a consumer may hold a cursor up to the newest
    // event: count everything stored so far as served (never less than what it acknowledged), nothing beyond.
    await queryRunner.query(`
            UPDATE "feed_cursors" AS c
               SET ("served_tx_id", "served_position") = (
                     SELECT e."tx_id", e."position" FROM "outbox_events" e
                      WHERE e."destination" = c."destination"
                      ORDER BY e."tx_id" DESC, e."position" DESC
                      LIMIT 1)
             WHERE EXISTS (SELECT 1 FROM "outbox_events" e WHERE e."destination" = c."destination")
        `);
    await queryRunner.query(`
            UPDATE "feed_cursors"
               SET "served_tx_id" = "tx_id", "served_position" = "position"
             WHERE ("served_tx_id", "served_position") < ("tx_id", "position")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "feed_cursors" DROP COLUMN "served_position"
        `);
    await queryRunner.query(`
            ALTER TABLE "feed_cursors" DROP COLUMN "served_tx_id"
        `);
  }
}
