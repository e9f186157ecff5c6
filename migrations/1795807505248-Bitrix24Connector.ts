import { MigrationInterface, QueryRunner } from 'typeorm';

export class Bitrix24Connector1795807505248 implements MigrationInterface {
  name = 'Bitrix24Connector1795807505248';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "bitrix24_oauth_installations" (
                "member_id" text NOT NULL,
                "domain" text NOT NULL,
                "server_endpoint" text NOT NULL,
                "access_token" text NOT NULL,
                "refresh_token" text NOT NULL,
                "application_token" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "scope" text NOT NULL DEFAULT '',
                "status" text NOT NULL DEFAULT 'active',
                "installed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "refreshed_at" TIMESTAMP WITH TIME ZONE,
                "refresh_count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_8f57efc131253d058fd774e72f3" PRIMARY KEY ("member_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "bitrix24_sync_cursors" (
                "name" text NOT NULL,
                "value" jsonb NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e7945292ad0f6a98aee5ac2c97e" PRIMARY KEY ("name")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "bitrix24_entity_links" (
                "kind" text NOT NULL,
                "external_id" text NOT NULL,
                "bitrix_id" text,
                "state" text NOT NULL DEFAULT 'absent',
                "remote_updated_at" TIMESTAMP WITH TIME ZONE,
                "content_hash" text,
                "written_hash" text,
                "written_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5b5e849defbd9e4da078db86735" PRIMARY KEY ("kind", "external_id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_bitrix24_entity_links_remote" ON "bitrix24_entity_links" ("kind", "bitrix_id")
            WHERE bitrix_id IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "bitrix24_inbound_changes" (
                "id" BIGSERIAL NOT NULL,
                "kind" text NOT NULL,
                "external_id" text,
                "bitrix_id" text NOT NULL,
                "entity_type_id" integer,
                "deleted" boolean NOT NULL DEFAULT false,
                "fields" jsonb NOT NULL,
                "status" text,
                "remote_updated_at" TIMESTAMP WITH TIME ZONE,
                "source" text NOT NULL,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_77339b38b4b0bfd8aac088aa440" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_bitrix24_inbound_changes_entity" ON "bitrix24_inbound_changes" ("kind", "bitrix_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_bitrix24_inbound_changes_entity"
        `);
    await queryRunner.query(`
            DROP TABLE "bitrix24_inbound_changes"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_bitrix24_entity_links_remote"
        `);
    await queryRunner.query(`
            DROP TABLE "bitrix24_entity_links"
        `);
    await queryRunner.query(`
            DROP TABLE "bitrix24_sync_cursors"
        `);
    await queryRunner.query(`
            DROP TABLE "bitrix24_oauth_installations"
        `);
  }
}
