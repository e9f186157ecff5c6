import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type InboxStatus = 'received' | 'processed' | 'failed';

/**
 * An inbound event (a Bitrix24 webhook call, a 1C document), persisted with its de-duplication key before the
 * sender gets its answer. A second copy of the same event hits the unique key and is acknowledged without effect.
 */
@Entity({ name: 'inbox_events' })
@Index('uq_inbox_events_source_dedup', ['source', 'dedupKey'], { unique: true })
@Index('idx_inbox_events_received_at', ['receivedAt'])
@Index('idx_inbox_events_request_id', ['requestId'])
@Index('idx_inbox_events_subject', ['subject'])
export class InboxEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** `bitrix24`, `onec`, … */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  dedupKey!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', default: 'received' })
  status!: InboxStatus;

  @Column({ type: 'integer', default: 0 })
  duplicates!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;
}
