import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Consumer-side de-duplication: a redelivered event whose id is here has already had its effect. */
@Entity({ name: 'processed_events' })
@Index('idx_processed_events_processed_at', ['processedAt'])
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
