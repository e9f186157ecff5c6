import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The РКО 1C posted for a return's cash refund, as the cash documents report it: a posted return waits for it to
 * close, and one still waiting for 1C's posting keeps it to close then.
 */
export class ReturnRefundSettlements1796640000000 implements MigrationInterface {
  name = 'ReturnRefundSettlements1796640000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "returns"
            ADD "refund_settlement" jsonb
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "returns" DROP COLUMN "refund_settlement"
        `);
  }
}
