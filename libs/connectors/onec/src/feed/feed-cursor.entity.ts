import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a pulling consumer (1C) stands in a destination's feed: what it acknowledged, and how far it was served. */
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

  /** The furthest event served to the consumer; it may acknowledge (or read on from) nothing beyond it. */
  @Column({ type: 'bigint', default: 0 })
  servedTxId!: string;

  @Column({ type: 'bigint', default: 0 })
  servedPosition!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
