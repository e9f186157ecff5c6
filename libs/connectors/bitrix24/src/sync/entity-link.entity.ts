import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * `creating`: a create may be on its way or may have landed (sent, outcome unknown, or we crashed): the next attempt
 * looks the entity up by external id before creating. `absent`: known not to exist (a create was refused).
 * `linked`: the Bitrix24 id is known.
 */
export type LinkState = 'absent' | 'creating' | 'linked';

/**
 * Our small mirror of each Bitrix24 entity we write or read: the id pairing, the create state that prevents
 * duplicates, and what we last wrote and saw (portal change time and content hash), so an inbound change is applied
 * only if it is newer than what we hold and our own writes are not mistaken for changes.
 */
@Entity({ name: 'bitrix24_entity_links' })
@Index('uq_bitrix24_entity_links_remote', ['kind', 'bitrixId'], { unique: true, where: 'bitrix_id IS NOT NULL' })
export class Bitrix24EntityLinkEntity {
  /** `delivery`, `company`, `product`, … */
  @PrimaryColumn({ type: 'text' })
  kind!: string;

  /** Our id, as stored in the entity's `xmlId` / `originId`. */
  @PrimaryColumn({ type: 'text' })
  externalId!: string;

  @Column({ type: 'text', nullable: true })
  bitrixId!: string | null;

  @Column({ type: 'text', default: 'absent' })
  state!: LinkState;

  /** When the portal last changed the entity, as far as we know (our write's answer or a re-read). */
  @Column({ type: 'timestamptz', nullable: true })
  remoteUpdatedAt!: Date | null;

  /** Hash of the mapped fields as they stood at `remoteUpdatedAt`. */
  @Column({ type: 'text', nullable: true })
  contentHash!: string | null;

  /** The hash our last write produced: a re-read with this hash is our own change coming back. */
  @Column({ type: 'text', nullable: true })
  writtenHash!: string | null;

  /** When the answer of our last write was recorded (the database's clock). */
  @Column({ type: 'timestamptz', nullable: true })
  writtenAt!: Date | null;

  /** Set while an update of ours is on its way (sent, answer not recorded); the database's clock. */
  @Column({ type: 'timestamptz', nullable: true })
  writingSince!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
