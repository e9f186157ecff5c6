import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The back-office reports' indexes (docs/reports.md): dead letters by recording time, and the delivery outcome's and
 * the collision resolution's time and status as indexed columns beside their jsonb.
 */

export class BackOfficeReports1796530998092 implements MigrationInterface {
  name = 'BackOfficeReports1796530998092';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "collisions"
            ADD "decision" text
        `);
    await queryRunner.query(`
            ALTER TABLE "collisions"
            ADD "resolved_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "deliveries"
            ADD "outcome_status" text
        `);
    await queryRunner.query(`
            ALTER TABLE "deliveries"
            ADD "outcome_at" TIMESTAMP WITH TIME ZONE
        `);
    // The new columns repeat fields of the jsonb beside them: fill them for the rows written before.
    await queryRunner.query(`
            UPDATE "collisions"
            SET "decision" = resolution->>'decision', "resolved_at" = (resolution->>'resolvedAt')::timestamptz
            WHERE resolution IS NOT NULL
        `);
    await queryRunner.query(`
            UPDATE "deliveries"
            SET "outcome_status" = outcome->>'status', "outcome_at" = (outcome->>'occurredAt')::timestamptz
            WHERE outcome IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_collisions_resolved_at" ON "collisions" ("resolved_at")
            WHERE resolved_at IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_dead_letters_created_at" ON "dead_letters" ("created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_outcome_report" ON "deliveries" ("outcome_at", "courier_id", "outcome_status")
            WHERE outcome_at IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_outcome_report"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_dead_letters_created_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_collisions_resolved_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "deliveries" DROP COLUMN "outcome_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "deliveries" DROP COLUMN "outcome_status"
        `);
    await queryRunner.query(`
            ALTER TABLE "collisions" DROP COLUMN "resolved_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "collisions" DROP COLUMN "decision"
        `);
  }
}
