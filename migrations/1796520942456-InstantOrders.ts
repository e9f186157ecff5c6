import { MigrationInterface, QueryRunner } from 'typeorm';

export class InstantOrders1796520942456 implements MigrationInterface {
  name = 'InstantOrders1796520942456';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "instant_orders" (
                "id" uuid NOT NULL,
                "number_seq" BIGSERIAL NOT NULL,
                "courier_id" text NOT NULL,
                "counterparty_id" text,
                "buyer" jsonb NOT NULL,
                "delivery_id" uuid,
                "price_type_id" text NOT NULL,
                "warehouse_id" text NOT NULL,
                "payment" text NOT NULL,
                "items" jsonb NOT NULL,
                "total" numeric(15, 2) NOT NULL,
                "vat_total" numeric(15, 2) NOT NULL,
                "discount_reason" text,
                "sold_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "latitude" numeric(9, 6),
                "longitude" numeric(9, 6),
                "comment" text,
                "status" text NOT NULL,
                "source" text NOT NULL,
                "bitrix_id" text,
                "onec" jsonb,
                "cancel_reason" text,
                "version" integer NOT NULL DEFAULT '1',
                "exported_version" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_90a6e4cf0215786aa01846db2e4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_orders_waiting" ON "instant_orders" ("updated_at", "id")
            WHERE status = 'accepted'
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_orders_delivery" ON "instant_orders" ("delivery_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_orders_counterparty" ON "instant_orders" ("counterparty_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_orders_courier" ON "instant_orders" ("courier_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_orders_listing" ON "instant_orders" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_instant_orders_number" ON "instant_orders" ("number_seq")
        `);
    await queryRunner.query(`
            CREATE TABLE "instant_order_reservations" (
                "order_id" uuid NOT NULL,
                "offer_id" text NOT NULL,
                "warehouse_id" text NOT NULL,
                "quantity" numeric(15, 3) NOT NULL,
                "settled_at" TIMESTAMP WITH TIME ZONE,
                "released_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_da07f6d34d12bdf664d7b2788a7" PRIMARY KEY ("order_id", "offer_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_instant_order_reservations_held" ON "instant_order_reservations" ("warehouse_id", "offer_id")
            WHERE released_at IS NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_order_reservations_held"
        `);
    await queryRunner.query(`
            DROP TABLE "instant_order_reservations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_instant_orders_number"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_orders_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_orders_courier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_orders_counterparty"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_orders_delivery"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_instant_orders_waiting"
        `);
    await queryRunner.query(`
            DROP TABLE "instant_orders"
        `);
  }
}
