import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last position a pulling consumer (1C) acknowledged in a destination's feed. */
@Entity({ name: 'feed_cursors' })
export class FeedCursorEntity {
  /** The token subject of the puller. */
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ type: 'text' })
  destination!: string;

  @Column({ type: 'bigint' })
  txId!: string;

  @Column({ type: 'bigint' })
  position!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
