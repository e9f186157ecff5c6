import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When our update of a Bitrix24 entity was sent and its answer is not recorded yet: an inbound re-read in that window
 * can see our own write before we know its hash, and must wait rather than take it for a change made in the portal.
 */
export class Bitrix24WritesInFlight1796620000000 implements MigrationInterface {
  name = 'Bitrix24WritesInFlight1796620000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "bitrix24_entity_links"
            ADD "writing_since" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "bitrix24_entity_links" DROP COLUMN "writing_since"
        `);
  }
}
