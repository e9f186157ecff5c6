import { MigrationInterface, QueryRunner } from 'typeorm';

export class CashDocuments1796528224396 implements MigrationInterface {
  name = 'CashDocuments1796528224396';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "cash_collections" (
                "type" text NOT NULL,
                "id" uuid NOT NULL,
                "number" text NOT NULL,
                "courier_id" text NOT NULL,
                "amount" numeric(15, 2) NOT NULL,
                "expected" numeric(15, 2) NOT NULL,
                "collected_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "version" integer NOT NULL,
                "settled_by" uuid,
                "settled_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_81cc7c2deead5ac303198ba7b1a" PRIMARY KEY ("type", "id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_collections_mismatch" ON "cash_collections" ("collected_at")
            WHERE amount <> expected
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_collections_open" ON "cash_collections" ("courier_id", "collected_at")
            WHERE settled_at IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "cash_ledger_entries" (
                "seq" BIGSERIAL NOT NULL,
                "key" text NOT NULL,
                "courier_id" text NOT NULL,
                "account" text NOT NULL,
                "amount" numeric(15, 2) NOT NULL,
                "document_type" text NOT NULL,
                "document_id" text NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_898ff01ca9b7c32814cadba84c3" PRIMARY KEY ("seq")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_ledger_document" ON "cash_ledger_entries" ("document_type", "document_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_ledger_courier" ON "cash_ledger_entries" ("courier_id", "account")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_cash_ledger_key" ON "cash_ledger_entries" ("key")
        `);
    await queryRunner.query(`
            CREATE TABLE "cash_documents" (
                "id" uuid NOT NULL,
                "number_seq" BIGSERIAL NOT NULL,
                "kind" text NOT NULL,
                "operation" text NOT NULL,
                "status" text NOT NULL,
                "courier_id" text NOT NULL,
                "cash_desk_id" text,
                "counterparty_id" text,
                "amount" numeric(15, 2) NOT NULL,
                "purpose" text,
                "cash_flow_item" text,
                "vat_included" numeric(15, 2),
                "settles" jsonb NOT NULL,
                "advance_id" uuid,
                "lines" jsonb NOT NULL,
                "origin" text NOT NULL,
                "origin_key" text,
                "onec" jsonb,
                "posted_amount" numeric(15, 2),
                "rejection_reason" text,
                "submitted_at" TIMESTAMP WITH TIME ZONE,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3c44e9cbb477da6055d9d50d7ce" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_documents_posted_differently" ON "cash_documents" ("id")
            WHERE status = 'posted'
                AND posted_amount <> amount
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_documents_sent" ON "cash_documents" ("sent_at")
            WHERE status = 'sent_to_1c'
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_documents_advance" ON "cash_documents" ("advance_id")
            WHERE advance_id IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_documents_courier" ON "cash_documents" ("courier_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_cash_documents_listing" ON "cash_documents" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_cash_documents_origin" ON "cash_documents" ("origin_key")
            WHERE origin_key IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_cash_documents_number" ON "cash_documents" ("number_seq")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_cash_documents_number"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_cash_documents_origin"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_documents_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_documents_courier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_documents_advance"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_documents_sent"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_documents_posted_differently"
        `);
    await queryRunner.query(`
            DROP TABLE "cash_documents"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_cash_ledger_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_ledger_courier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_ledger_document"
        `);
    await queryRunner.query(`
            DROP TABLE "cash_ledger_entries"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_collections_open"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_cash_collections_mismatch"
        `);
    await queryRunner.query(`
            DROP TABLE "cash_collections"
        `);
  }
}
