import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Consumer-side de-duplication: a redelivered event whose id is here has already had its effect. */
@Entity({ name: 'processed_events' })
@Index('idx_processed_events_processed_at', ['processedAt'])
/** The trace finds an event's consumers by the event alone. */
@Index('idx_processed_events_event_id', ['eventId'])
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
