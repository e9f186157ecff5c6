import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CloudEvent } from '../cloud-event';

export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

/**
 * A delivery that failed for good, kept in PostgreSQL (not only in BullMQ's failed set) so it survives a Redis
 * loss and can be searched. One row per failure episode: a replayed event that fails again opens a new row.
 */
@Entity({ name: 'dead_letters' })
@Index('idx_dead_letters_open', ['id'], { where: "status = 'open'" })
@Index('idx_dead_letters_destination_id', ['destination', 'id'])
@Index('idx_dead_letters_subject', ['subject'])
@Index('idx_dead_letters_event_id', ['eventId'])
@Index('idx_dead_letters_created_at', ['createdAt'])
export class DeadLetterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  destination!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  envelope!: CloudEvent;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  firstFailedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastFailedAt!: Date;

  @Column({ type: 'text' })
  errorCode!: string;

  @Column({ type: 'text' })
  errorMessage!: string;

  /** permanent | exhausted | stalled */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'smallint', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'text', nullable: true })
  responseExcerpt!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: DeadLetterStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  resolution!: string | null;
}
