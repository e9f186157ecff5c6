import { MigrationInterface, QueryRunner } from 'typeorm';

export class OnecExchange1795807541830 implements MigrationInterface {
  name = 'OnecExchange1795807541830';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "onec_exchange_sessions" (
                "id" uuid NOT NULL,
                "type" text NOT NULL,
                "state" text NOT NULL,
                "login" text NOT NULL,
                "cookie_hash" text NOT NULL,
                "sessid" text NOT NULL,
                "sessid_seen" boolean NOT NULL DEFAULT false,
                "remote_address" text,
                "user_agent" text,
                "client_version" text,
                "initialized" boolean NOT NULL DEFAULT false,
                "bytes_uploaded" bigint NOT NULL DEFAULT '0',
                "files_uploaded" integer NOT NULL DEFAULT '0',
                "images_stored" integer NOT NULL DEFAULT '0',
                "images_skipped" integer NOT NULL DEFAULT '0',
                "records_imported" bigint NOT NULL DEFAULT '0',
                "orders_exported" integer NOT NULL DEFAULT '0',
                "sale_query" jsonb,
                "failure_code" text,
                "failure_reason" text,
                "lease_owner" text,
                "lease_until" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "work_area_removed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_84c64f937631324fc74fc3f7252" UNIQUE ("cookie_hash"),
                CONSTRAINT "PK_1dac149905112b0b4563be5d3b2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_onec_exchange_sessions_login" ON "onec_exchange_sessions" ("login", "type", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_onec_exchange_sessions_live" ON "onec_exchange_sessions" ("expires_at")
            WHERE state IN ('open', 'importing')
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_onec_exchange_sessions_listing" ON "onec_exchange_sessions" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "onec_exchange_files" (
                "id" BIGSERIAL NOT NULL,
                "session_id" uuid NOT NULL,
                "name" text NOT NULL,
                "role" text NOT NULL,
                "archive" text,
                "phase" text NOT NULL,
                "bytes" bigint NOT NULL DEFAULT '0',
                "parts" integer NOT NULL DEFAULT '0',
                "bytes_parsed" bigint NOT NULL DEFAULT '0',
                "records_done" integer NOT NULL DEFAULT '0',
                "document_kind" text,
                "counts" jsonb,
                "failed_steps" integer NOT NULL DEFAULT '0',
                "error" text,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_59471074ef59bc3529f2adf4ad4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_onec_exchange_files_name" ON "onec_exchange_files" ("session_id", "name")
        `);
    await queryRunner.query(`
            ALTER TABLE "onec_exchange_files"
            ADD CONSTRAINT "FK_416f42e5aec21973168a4c1c629" FOREIGN KEY ("session_id") REFERENCES "onec_exchange_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "onec_exchange_files" DROP CONSTRAINT "FK_416f42e5aec21973168a4c1c629"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_onec_exchange_files_name"
        `);
    await queryRunner.query(`
            DROP TABLE "onec_exchange_files"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_onec_exchange_sessions_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_onec_exchange_sessions_live"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_onec_exchange_sessions_login"
        `);
    await queryRunner.query(`
            DROP TABLE "onec_exchange_sessions"
        `);
  }
}
