import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotifierMessages1796527946917 implements MigrationInterface {
  name = 'NotifierMessages1796527946917';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "notifier_messages" (
                "id" BIGSERIAL NOT NULL,
                "channel" text NOT NULL,
                "alert_id" text NOT NULL,
                "transition" text NOT NULL,
                "severity" text NOT NULL,
                "alert" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "sent_as" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "uq_notifier_messages_transition" UNIQUE ("channel", "alert_id", "transition"),
                CONSTRAINT "PK_a7f93f70ffd363b5e91697dfad9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_notifier_messages_pending" ON "notifier_messages" ("channel", "id")
            WHERE status = 'pending'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_notifier_messages_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "notifier_messages"
        `);
  }
}
