import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialPlatform1795805064741 implements MigrationInterface {
  name = 'InitialPlatform1795805064741';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "principal" text NOT NULL,
                "method" text NOT NULL,
                "route" text NOT NULL,
                "key" text NOT NULL,
                "fingerprint" character(64) NOT NULL,
                "response_status" smallint NOT NULL,
                "response_headers" jsonb NOT NULL,
                "response_body" text NOT NULL,
                "request_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_c5997392e06c2e254ef11fff4be" PRIMARY KEY ("principal", "method", "route", "key")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_idempotency_keys_expires_at" ON "idempotency_keys" ("expires_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "integration_log" (
                "id" BIGSERIAL NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "direction" text NOT NULL,
                "system" text NOT NULL,
                "operation" text NOT NULL,
                "request_id" text,
                "entity_type" text,
                "entity_id" text,
                "http_method" text,
                "url" text,
                "outcome" text NOT NULL,
                "http_status" smallint,
                "duration_ms" integer,
                "request_body" text,
                "response_body" text,
                "error_code" text,
                "error_message" text,
                CONSTRAINT "PK_04251015951e26eddba21d8c7e9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_integration_log_system_id" ON "integration_log" ("system", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_integration_log_entity" ON "integration_log" ("entity_type", "entity_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_integration_log_request_id" ON "integration_log" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_integration_log_occurred_at" ON "integration_log" ("occurred_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_integration_log_occurred_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_integration_log_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_integration_log_entity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_integration_log_system_id"
        `);
    await queryRunner.query(`
            DROP TABLE "integration_log"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_idempotency_keys_expires_at"
        `);
    await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
  }
}
