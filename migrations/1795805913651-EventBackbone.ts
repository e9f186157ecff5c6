import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventBackbone1795805913651 implements MigrationInterface {
  name = 'EventBackbone1795805913651';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A named function rather than an inline cast, so the column default reads back exactly as the entity
    // declares it and TypeORM's schema diff stays empty.
    await queryRunner.query(`
            CREATE FUNCTION current_xact_id_bigint() RETURNS bigint LANGUAGE sql VOLATILE
            AS $$ SELECT pg_current_xact_id()::text::bigint $$
        `);
    await queryRunner.query(`
            CREATE TABLE "admin_audit_log" (
                "id" BIGSERIAL NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "actor" text NOT NULL,
                "action" text NOT NULL,
                "target_type" text NOT NULL,
                "target_id" text NOT NULL,
                "reason" text,
                "details" jsonb NOT NULL,
                "request_id" text,
                CONSTRAINT "PK_9425be48a9c753f5753017c61b2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_admin_audit_log_occurred_at" ON "admin_audit_log" ("occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_admin_audit_log_target" ON "admin_audit_log" ("target_type", "target_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "dead_letters" (
                "id" BIGSERIAL NOT NULL,
                "event_id" uuid NOT NULL,
                "destination" text NOT NULL,
                "type" text NOT NULL,
                "subject" text NOT NULL,
                "envelope" jsonb NOT NULL,
                "attempts" integer NOT NULL,
                "first_failed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_failed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "error_code" text NOT NULL,
                "error_message" text NOT NULL,
                "reason" text NOT NULL,
                "http_status" smallint,
                "response_excerpt" text,
                "status" text NOT NULL DEFAULT 'open',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" text,
                "resolution" text,
                CONSTRAINT "PK_084e63809483fb0a9c48aae607f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_dead_letters_event_id" ON "dead_letters" ("event_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_dead_letters_subject" ON "dead_letters" ("subject")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_dead_letters_destination_id" ON "dead_letters" ("destination", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_dead_letters_open" ON "dead_letters" ("id")
            WHERE status = 'open'
        `);
    await queryRunner.query(`
            CREATE TABLE "processed_events" (
                "consumer" text NOT NULL,
                "event_id" uuid NOT NULL,
                "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_processed_events_processed_at" ON "processed_events" ("processed_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "outbox_events" (
                "id" uuid NOT NULL,
                "position" BIGSERIAL NOT NULL,
                "tx_id" bigint NOT NULL DEFAULT current_xact_id_bigint(),
                "destination" text NOT NULL,
                "type" text NOT NULL,
                "subject" text NOT NULL,
                "source" text NOT NULL,
                "time" TIMESTAMP WITH TIME ZONE NOT NULL,
                "data" jsonb NOT NULL,
                "entity_version" bigint,
                "request_id" text,
                "traceparent" text,
                "status" text NOT NULL DEFAULT 'pending',
                "generation" integer NOT NULL DEFAULT '0',
                "attempts" integer NOT NULL DEFAULT '0',
                "job_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "dispatched_at" TIMESTAMP WITH TIME ZONE,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "first_failed_at" TIMESTAMP WITH TIME ZONE,
                "last_failed_at" TIMESTAMP WITH TIME ZONE,
                "last_error" jsonb,
                CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_events_created_at" ON "outbox_events" ("created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_events_feed" ON "outbox_events" ("destination", "tx_id", "position")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_events_dispatched" ON "outbox_events" ("dispatched_at")
            WHERE status = 'dispatched'
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_events_subject_open" ON "outbox_events" ("destination", "subject", "position")
            WHERE status IN ('queued', 'pending', 'dispatched', 'dead')
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_events_pending" ON "outbox_events" ("position")
            WHERE status = 'pending'
        `);
    await queryRunner.query(`
            CREATE TABLE "feed_cursors" (
                "consumer" text NOT NULL,
                "destination" text NOT NULL,
                "tx_id" bigint NOT NULL,
                "position" bigint NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_92e0819beb54d0043ed3eccc529" PRIMARY KEY ("consumer", "destination")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "inbox_events" (
                "id" uuid NOT NULL,
                "source" text NOT NULL,
                "dedup_key" text NOT NULL,
                "type" text NOT NULL,
                "subject" text,
                "payload" jsonb NOT NULL,
                "request_id" text,
                "status" text NOT NULL DEFAULT 'received',
                "duplicates" integer NOT NULL DEFAULT '0',
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "outcome" text,
                CONSTRAINT "PK_774766668269f8c2c12f13649fc" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_inbox_events_received_at" ON "inbox_events" ("received_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_inbox_events_source_dedup" ON "inbox_events" ("source", "dedup_key")
        `);
    // Per-subject head-of-line: an event inserted while its subject still has an open event waits as `queued`, so
    // the relay only ever scans heads. Rows inserted earlier by the same statement are visible here (PostgreSQL
    // shows a row-level BEFORE trigger the rows its command already processed).
    await queryRunner.query(`
            CREATE FUNCTION outbox_events_queue_behind() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM outbox_events e
                            WHERE e.destination = NEW.destination AND e.subject = NEW.subject
                              AND e.status IN ('queued', 'pending', 'dispatched', 'dead')) THEN
                    NEW.status := 'queued';
                END IF;
                RETURN NEW;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER outbox_events_queue_behind BEFORE INSERT ON outbox_events
            FOR EACH ROW EXECUTE FUNCTION outbox_events_queue_behind()
        `);
    // Wakes the outbox relay (LISTEN outbox_events) when events are written: one notification per statement, not
    // per row. Only inserts notify: a notifying commit takes a cluster-wide lock, so the hot status updates of
    // workers must not (they wake their own relay in process; replays notify explicitly).
    await queryRunner.query(`
            CREATE FUNCTION notify_outbox_events() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('outbox_events', '');
                RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
            FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_events()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER outbox_events_notify ON outbox_events`);
    await queryRunner.query(`DROP TRIGGER outbox_events_queue_behind ON outbox_events`);
    await queryRunner.query(`DROP FUNCTION outbox_events_queue_behind()`);
    await queryRunner.query(`DROP FUNCTION notify_outbox_events()`);
    await queryRunner.query(`
            DROP INDEX "public"."uq_inbox_events_source_dedup"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_inbox_events_received_at"
        `);
    await queryRunner.query(`
            DROP TABLE "inbox_events"
        `);
    await queryRunner.query(`
            DROP TABLE "feed_cursors"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_events_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_events_subject_open"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_events_dispatched"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_events_feed"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_events_created_at"
        `);
    await queryRunner.query(`
            DROP TABLE "outbox_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_processed_events_processed_at"
        `);
    await queryRunner.query(`
            DROP TABLE "processed_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_dead_letters_open"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_dead_letters_destination_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_dead_letters_subject"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_dead_letters_event_id"
        `);
    await queryRunner.query(`
            DROP TABLE "dead_letters"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_admin_audit_log_target"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_admin_audit_log_occurred_at"
        `);
    await queryRunner.query(`
            DROP TABLE "admin_audit_log"
        `);
    await queryRunner.query(`DROP FUNCTION current_xact_id_bigint()`);
  }
}
