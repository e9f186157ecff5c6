import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTrailAndDeliveries1796470561538 implements MigrationInterface {
  name = 'AuditTrailAndDeliveries1796470561538';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_trail" (
                "id" BIGSERIAL NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "domain" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" text NOT NULL,
                "action" text NOT NULL,
                "source" text NOT NULL,
                "actor" text NOT NULL,
                "actor_role" text,
                "before" jsonb,
                "after" jsonb,
                "details" jsonb NOT NULL,
                "request_id" text,
                CONSTRAINT "PK_91aade8e45ada93f7dc98ca7ced" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_audit_trail_occurred_at" ON "audit_trail" ("occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_audit_trail_entity" ON "audit_trail" ("domain", "entity_type", "entity_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "collisions" (
                "id" uuid NOT NULL,
                "domain" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" text NOT NULL,
                "field" text NOT NULL,
                "proposed" jsonb,
                "proposed_by" text NOT NULL,
                "held" jsonb,
                "status" text NOT NULL,
                "resolution" jsonb,
                "request_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ab8cec461dd57b9c012b979cbb1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_collisions_open" ON "collisions" ("status")
            WHERE status = 'open'
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_collisions_entity" ON "collisions" ("domain", "entity_type", "entity_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_collisions_listing" ON "collisions" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "deliveries" (
                "id" uuid NOT NULL,
                "onec_document_id" text NOT NULL,
                "document_type" text NOT NULL,
                "document_number" text NOT NULL,
                "document_date" date NOT NULL,
                "counterparty_id" text NOT NULL,
                "address" text NOT NULL,
                "latitude" numeric(9, 6),
                "longitude" numeric(9, 6),
                "contact_name" text,
                "contact_phone" text,
                "window_from" TIMESTAMP WITH TIME ZONE,
                "window_to" TIMESTAMP WITH TIME ZONE,
                "warehouse_id" text NOT NULL,
                "courier_id" text,
                "comment" text,
                "items" jsonb NOT NULL,
                "total" numeric(15, 2) NOT NULL,
                "cash_on_delivery" numeric(15, 2) NOT NULL,
                "status" text NOT NULL,
                "outcome" jsonb,
                "onec_acknowledgement" jsonb,
                "confirmation_sent_at" TIMESTAMP WITH TIME ZONE,
                "confirmations_sent" integer NOT NULL DEFAULT '0',
                "trip_id" uuid,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a6ef225c5c5f0974e503bfb731f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_unacknowledged" ON "deliveries" ("confirmation_sent_at")
            WHERE status IN ('delivered', 'partially_delivered', 'failed')
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_trip" ON "deliveries" ("trip_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_counterparty" ON "deliveries" ("counterparty_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_status" ON "deliveries" ("status")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_courier" ON "deliveries" ("courier_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_deliveries_listing" ON "deliveries" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_deliveries_onec_document" ON "deliveries" ("onec_document_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "delivery_trips" (
                "id" uuid NOT NULL,
                "onec_id" text NOT NULL,
                "number" text NOT NULL,
                "date" date NOT NULL,
                "status" text NOT NULL,
                "courier_id" text NOT NULL,
                "vehicle" text,
                "warehouse_id" text NOT NULL,
                "planned_start" TIMESTAMP WITH TIME ZONE,
                "planned_end" TIMESTAMP WITH TIME ZONE,
                "actual_start" TIMESTAMP WITH TIME ZONE,
                "actual_end" TIMESTAMP WITH TIME ZONE,
                "route_points" jsonb NOT NULL,
                "orders" jsonb NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ff811ba003507511959180674d2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_delivery_trips_onec_id" ON "delivery_trips" ("onec_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_delivery_trips_onec_id"
        `);
    await queryRunner.query(`
            DROP TABLE "delivery_trips"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_deliveries_onec_document"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_courier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_status"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_counterparty"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_trip"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_deliveries_unacknowledged"
        `);
    await queryRunner.query(`
            DROP TABLE "deliveries"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_collisions_listing"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_collisions_entity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_collisions_open"
        `);
    await queryRunner.query(`
            DROP TABLE "collisions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_audit_trail_entity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_audit_trail_occurred_at"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_trail"
        `);
  }
}
