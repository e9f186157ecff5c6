import { MigrationInterface, QueryRunner } from 'typeorm';

export class CounterpartiesByPortalId1796526673631 implements MigrationInterface {
  name = 'CounterpartiesByPortalId1796526673631';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "idx_md_counterparties_bitrix" ON "md_counterparties" ("bitrix_id")
            WHERE bitrix_id IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_counterparties_bitrix"
        `);
  }
}
