import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * - `queued`: waits behind an earlier open event of the same destination and subject (set by an insert trigger);
 * - `pending`: the head of its subject, ready to hand to the queue (or handed back by a replay);
 * - `dispatched`: a job exists (or existed) in BullMQ; retries happen there;
 * - `delivered`: a consumer applied it (or, for pull destinations, the puller acknowledged it);
 * - `dead`: failed for good; it blocks its subject until an operator replays or discards it;
 * - `discarded`: an operator gave up on it; successors flow again.
 */
export type OutboxStatus = 'queued' | 'pending' | 'dispatched' | 'delivered' | 'dead' | 'discarded';

/**
 * The transactional outbox: written in the same transaction as the business change, so an event exists if and
 * only if the change committed. It stays the system of record for delivery; Redis only carries jobs.
 */
@Entity({ name: 'outbox_events' })
@Index('idx_outbox_events_pending', ['position'], { where: "status = 'pending'" })
@Index('idx_outbox_events_subject_open', ['destination', 'subject', 'position'], {
  where: "status IN ('queued', 'pending', 'dispatched', 'dead')",
})
@Index('idx_outbox_events_dispatched', ['dispatchedAt'], { where: "status = 'dispatched'" })
@Index('idx_outbox_events_feed', ['destination', 'txId', 'position'])
@Index('idx_outbox_events_created_at', ['createdAt'])
// The trace's lookups: what a request published, and a subject's whole history (the open-subject index is partial).
@Index('idx_outbox_events_request_id', ['requestId', 'position'])
@Index('idx_outbox_events_subject', ['subject', 'position'])
export class OutboxEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Insert order. Per subject this is the order of application. */
  @Column({ type: 'bigint' })
  @Generated('increment')
  position!: string;

  /**
   * The inserting transaction's id. The pull feed only serves rows of transactions older than every transaction
   * still running, so a slow transaction can never commit an event *behind* a cursor a reader already passed.
   */
  @Column({ type: 'bigint', default: () => 'current_xact_id_bigint()' })
  txId!: string;

  @Column({ type: 'text' })
  destination!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ type: 'bigint', nullable: true })
  entityVersion!: string | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ type: 'text', default: 'pending' })
  status!: OutboxStatus;

  /** Bumped by every replay, so a replayed event gets a fresh BullMQ job id (the old one may still sit in the failed set). */
  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** The BullMQ job carrying the current dispatch (one event, or a bundle): what the reconciler looks for. */
  @Column({ type: 'text', nullable: true })
  jobId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  firstFailedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastFailedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  lastError!: Record<string, unknown> | null;
}
