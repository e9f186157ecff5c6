import { MigrationInterface, QueryRunner } from 'typeorm';

export class SlaDeviations1796528006382 implements MigrationInterface {
  name = 'SlaDeviations1796528006382';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "sla_deviations" (
                "id" uuid NOT NULL,
                "rule" text NOT NULL,
                "subject" text NOT NULL,
                "label" text NOT NULL,
                "courier_id" text,
                "severity" text NOT NULL,
                "status" text NOT NULL,
                "value" text NOT NULL,
                "threshold" text NOT NULL,
                "since" TIMESTAMP WITH TIME ZONE NOT NULL,
                "first_seen" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen" TIMESTAMP WITH TIME ZONE NOT NULL,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" text,
                "comment" text,
                "link" text NOT NULL,
                CONSTRAINT "PK_57a9c144cd49624d1a38eb98793" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_sla_deviations_courier" ON "sla_deviations" ("courier_id", "first_seen")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_sla_deviations_episode" ON "sla_deviations" ("rule", "subject", "since")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_sla_deviations_listing" ON "sla_deviations" ("first_seen", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_sla_deviations_open" ON "sla_deviations" ("rule", "subject")
            WHERE status = 'open'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_sla_deviations_open"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_sla_deviations_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_sla_deviations_episode"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_sla_deviations_courier"
        `);
    await queryRunner.query(`
            DROP TABLE "sla_deviations"
        `);
  }
}
