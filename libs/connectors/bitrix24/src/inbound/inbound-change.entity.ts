import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Changes of an entity kind no domain module handles (no `@Bitrix24InboundHandler` for it in the worker): every
 * change the connector would have handed to the domain, so nothing learnt from Bitrix24 is lost meanwhile. Listed by
 * GET /api/v1/admin/bitrix24/unhandled-changes.
 */
@Entity({ name: 'bitrix24_inbound_changes' })
@Index('idx_bitrix24_inbound_changes_entity', ['kind', 'bitrixId'])
export class Bitrix24InboundChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ type: 'text' })
  bitrixId!: string;

  @Column({ type: 'integer', nullable: true })
  entityTypeId!: number | null;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ type: 'jsonb' })
  fields!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  remoteUpdatedAt!: Date | null;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
