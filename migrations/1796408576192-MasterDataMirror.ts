import { MigrationInterface, QueryRunner } from 'typeorm';

export class MasterDataMirror1796408576192 implements MigrationInterface {
  name = 'MasterDataMirror1796408576192';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "md_feed_cursors" (
                "kind" text NOT NULL,
                "source" text NOT NULL,
                "last_version" text,
                "last_version_seq" bigint NOT NULL DEFAULT '0',
                "last_received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_changed_at" TIMESTAMP WITH TIME ZONE,
                "received" bigint NOT NULL DEFAULT '0',
                "changed" bigint NOT NULL DEFAULT '0',
                "rejected" bigint NOT NULL DEFAULT '0',
                CONSTRAINT "PK_57b5a09a71802a73a2e167bc1f1" PRIMARY KEY ("kind", "source")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "md_import_sessions" (
                "exchange_session_id" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "full_kinds" jsonb NOT NULL DEFAULT '[]',
                "finished" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e559b5352ac9eb92596d3d93301" PRIMARY KEY ("exchange_session_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "md_import_touches" (
                "exchange_session_id" text NOT NULL,
                "kind" text NOT NULL,
                "onec_id" text NOT NULL,
                CONSTRAINT "PK_a1701aa0aa2c74e6efb2892ce4a" PRIMARY KEY ("exchange_session_id", "kind", "onec_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "md_reconcile_runs" (
                "id" uuid NOT NULL,
                "kind" text NOT NULL,
                "dry_run" boolean NOT NULL,
                "trigger" text NOT NULL,
                "status" text NOT NULL,
                "counts" jsonb NOT NULL DEFAULT '{}',
                "samples" jsonb NOT NULL DEFAULT '{}',
                "error" text,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_e2016be25363b6250625590c9a9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_reconcile_runs_listing" ON "md_reconcile_runs" ("started_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_product_groups" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "parent_id" text,
                "description" text,
                CONSTRAINT "UQ_98bcf502694e10791a93a8311a3" UNIQUE ("onec_id"),
                CONSTRAINT "PK_ddbc6f7ab8f87b6ea99db5bd2b5" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_product_groups_parent" ON "md_product_groups" ("parent_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_product_groups_change" ON "md_product_groups" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_units" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "code" text,
                "name" text,
                "full_name" text,
                "international_abbreviation" text,
                CONSTRAINT "UQ_83b3715b0c2a400e9b91e53b380" UNIQUE ("onec_id"),
                CONSTRAINT "PK_0053283b72ecfc424a721843a13" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_units_change" ON "md_units" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_properties" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "value_type" text,
                "multiple" boolean NOT NULL,
                "for_products" boolean,
                "for_offers" boolean,
                "values" jsonb NOT NULL,
                CONSTRAINT "UQ_1886a72cd900504d597246d12f5" UNIQUE ("onec_id"),
                CONSTRAINT "PK_37306d9a006ec673f8aa8d62969" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_properties_change" ON "md_properties" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_price_types" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "currency" text,
                "vat_included" boolean,
                CONSTRAINT "UQ_db7f620275352e9327893046c9d" UNIQUE ("onec_id"),
                CONSTRAINT "PK_792ac5b851b0fdce045e16d93f1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_price_types_change" ON "md_price_types" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_warehouses" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "address" text,
                "comment" text,
                CONSTRAINT "UQ_0ec2fa21aa5cca8f6ced4d25488" UNIQUE ("onec_id"),
                CONSTRAINT "PK_92b73ca277e783b0e52e80ad701" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_warehouses_change" ON "md_warehouses" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_products" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "origin" text NOT NULL,
                "parent_id" text,
                "characteristic_id" text,
                "name" text NOT NULL,
                "full_name" text,
                "article" text,
                "code" text,
                "barcodes" jsonb NOT NULL,
                "unit_id" text,
                "group_ids" jsonb NOT NULL,
                "vat_rate" text,
                "description" text,
                "characteristics" jsonb NOT NULL,
                "properties" jsonb NOT NULL,
                "weight" numeric(15, 3),
                CONSTRAINT "UQ_91da6d42e0a59f670bd892253b2" UNIQUE ("onec_id"),
                CONSTRAINT "PK_59dac19c69862644c7255d0658a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_products_article" ON "md_products" ("article")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_products_parent" ON "md_products" ("parent_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_products_change" ON "md_products" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_prices" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "product_id" text NOT NULL,
                "price_type_id" text NOT NULL,
                "price" numeric(15, 2) NOT NULL,
                "currency" text NOT NULL,
                "unit" text,
                CONSTRAINT "UQ_5a73e9a7e252a1ee85de563148a" UNIQUE ("onec_id"),
                CONSTRAINT "PK_7c000ae08419731a5fb89fdd68b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_prices_price_type" ON "md_prices" ("price_type_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_prices_product" ON "md_prices" ("product_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_prices_change" ON "md_prices" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_stock" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "product_id" text NOT NULL,
                "warehouse_id" text,
                "quantity" numeric(15, 3) NOT NULL,
                CONSTRAINT "UQ_4d97ab8eb935eeb37ccade247b1" UNIQUE ("onec_id"),
                CONSTRAINT "PK_cbf894753b699836c93188ba436" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_stock_warehouse" ON "md_stock" ("warehouse_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_stock_product" ON "md_stock" ("product_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_stock_change" ON "md_stock" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_counterparties" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "type" text NOT NULL,
                "name" text NOT NULL,
                "full_name" text,
                "inn" text,
                "kpp" text,
                "phones" jsonb NOT NULL,
                "emails" jsonb NOT NULL,
                "addresses" jsonb NOT NULL,
                CONSTRAINT "UQ_7f77006586f7a6a0f6109c3104b" UNIQUE ("onec_id"),
                CONSTRAINT "PK_51cfcec0893aa286e325e31a3b1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_counterparties_inn" ON "md_counterparties" ("inn")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_counterparties_change" ON "md_counterparties" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_couriers" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "phone" text,
                "bitrix_user_id" text,
                "warehouse_id" text,
                "cash_desk_id" text,
                CONSTRAINT "UQ_0c81d92941bfc0352a0bc3a2682" UNIQUE ("onec_id"),
                CONSTRAINT "PK_7f13347ef9c75c83cb7fcaef041" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_couriers_change" ON "md_couriers" ("change_tx", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "md_cash_desks" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "version" text NOT NULL,
                "version_seq" bigint NOT NULL,
                "content_hash" text NOT NULL,
                "deleted" boolean NOT NULL DEFAULT false,
                "deactivated" boolean NOT NULL DEFAULT false,
                "source" text NOT NULL,
                "bitrix_id" text,
                "bitrix_hash" text,
                "change_tx" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" text NOT NULL,
                "currency" text NOT NULL,
                "organization_inn" text,
                CONSTRAINT "UQ_434a3f618d6ab17987cb943a96e" UNIQUE ("onec_id"),
                CONSTRAINT "PK_5b309775e70efb3f81785163d48" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_md_cash_desks_change" ON "md_cash_desks" ("change_tx", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_cash_desks_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_cash_desks"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_couriers_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_couriers"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_counterparties_change"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_counterparties_inn"
        `);
    await queryRunner.query(`
            DROP TABLE "md_counterparties"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_stock_change"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_stock_product"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_stock_warehouse"
        `);
    await queryRunner.query(`
            DROP TABLE "md_stock"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_prices_change"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_prices_product"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_prices_price_type"
        `);
    await queryRunner.query(`
            DROP TABLE "md_prices"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_products_change"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_products_parent"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_products_article"
        `);
    await queryRunner.query(`
            DROP TABLE "md_products"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_warehouses_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_warehouses"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_price_types_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_price_types"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_properties_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_properties"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_units_change"
        `);
    await queryRunner.query(`
            DROP TABLE "md_units"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_product_groups_change"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_product_groups_parent"
        `);
    await queryRunner.query(`
            DROP TABLE "md_product_groups"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_md_reconcile_runs_listing"
        `);
    await queryRunner.query(`
            DROP TABLE "md_reconcile_runs"
        `);
    await queryRunner.query(`
            DROP TABLE "md_import_touches"
        `);
    await queryRunner.query(`
            DROP TABLE "md_import_sessions"
        `);
    await queryRunner.query(`
            DROP TABLE "md_feed_cursors"
        `);
  }
}
