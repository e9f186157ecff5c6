import { MigrationInterface, QueryRunner } from 'typeorm';

export class Returns1796521913460 implements MigrationInterface {
  name = 'Returns1796521913460';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "returns" (
                "id" uuid NOT NULL,
                "number_seq" BIGSERIAL NOT NULL,
                "courier_id" text NOT NULL,
                "sale_kind" text NOT NULL,
                "sale_id" uuid NOT NULL,
                "counterparty_id" text,
                "sale" jsonb NOT NULL,
                "items" jsonb NOT NULL,
                "refund_total" numeric(15, 2) NOT NULL,
                "cash_refund" numeric(15, 2),
                "comment" text,
                "status" text NOT NULL,
                "approved_by" text,
                "rejection_reason" text,
                "pickup" jsonb,
                "receipt" jsonb,
                "onec" jsonb,
                "version" integer NOT NULL DEFAULT '1',
                "exported_version" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_27a2f1895a71519ebfec7850361" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_returns_waiting" ON "returns" ("updated_at", "id")
            WHERE status = 'received'
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_returns_counterparty" ON "returns" ("counterparty_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_returns_sale" ON "returns" ("sale_kind", "sale_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_returns_courier" ON "returns" ("courier_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_returns_listing" ON "returns" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_returns_number" ON "returns" ("number_seq")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_returns_number"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_returns_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_returns_courier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_returns_sale"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_returns_counterparty"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_returns_waiting"
        `);
    await queryRunner.query(`
            DROP TABLE "returns"
        `);
  }
}
