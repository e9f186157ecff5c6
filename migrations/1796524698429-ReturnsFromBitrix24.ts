import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReturnsFromBitrix241796524698429 implements MigrationInterface {
  name = 'ReturnsFromBitrix241796524698429';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "returns"
            ADD "bitrix_id" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "returns" DROP COLUMN "bitrix_id"
        `);
  }
}
