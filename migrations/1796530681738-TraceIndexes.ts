import { MigrationInterface, QueryRunner } from 'typeorm';

export class TraceIndexes1796530681738 implements MigrationInterface {
  name = 'TraceIndexes1796530681738';
  // The trace's lookups. Not CONCURRENTLY: with it, `npm start` on a fresh database never became ready (a concurrent
  // build waits for every older transaction; the API and the worker migrate at boot side by side, which we suspect).
  // `IF NOT EXISTS` lets an operator build them CONCURRENTLY by hand first on large tables (docs/back-office.md).

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_admin_audit_log_request_id" ON "admin_audit_log" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_idempotency_keys_request_id" ON "idempotency_keys" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_audit_trail_entity_ref" ON "audit_trail" ("entity_type", "entity_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_audit_trail_request_id" ON "audit_trail" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_collisions_entity_ref" ON "collisions" ("entity_type", "entity_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_collisions_request_id" ON "collisions" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_processed_events_event_id" ON "processed_events" ("event_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_inbox_events_subject" ON "inbox_events" ("subject")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_inbox_events_request_id" ON "inbox_events" ("request_id")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_outbox_events_subject" ON "outbox_events" ("subject", "position")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_outbox_events_request_id" ON "outbox_events" ("request_id", "position")
        `);
    await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "idx_sla_deviations_subject" ON "sla_deviations" ("subject", "first_seen")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_sla_deviations_subject"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_outbox_events_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_outbox_events_subject"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_inbox_events_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_inbox_events_subject"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_processed_events_event_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_collisions_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_collisions_entity_ref"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_audit_trail_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_audit_trail_entity_ref"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_idempotency_keys_request_id"
        `);
    await queryRunner.query(`
            DROP INDEX IF EXISTS "public"."idx_admin_audit_log_request_id"
        `);
  }
}
