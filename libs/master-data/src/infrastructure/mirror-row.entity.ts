import { Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MirrorSource } from '../domain/mirror-records';

/**
 * The columns every mirrored kind shares. Each kind's entity adds its content as typed columns whose property names
 * are the fields of its `KindData` (decimals as `numeric`, lists as `jsonb`): the repository reads that shape from
 * the entity metadata, so a kind is one entity class and nothing else in the storage code.
 */
export abstract class MirrorRowEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** 1C's `Ид` (unique per kind), or the composite key of a price or a stock level. */
  @Column({ type: 'text', unique: true })
  onecId!: string;

  /** `НомерВерсии`, the API's version, or the content hash. */
  @Column({ type: 'text' })
  version!: string;

  /** What orders versions (domain/versioning.ts). */
  @Column({ type: 'bigint' })
  versionSeq!: string;

  @Column({ type: 'text' })
  contentHash!: string;

  /** 1C's deletion mark (`ПометкаУдаления`), or `DELETE /api/v1/master-data/{kind}/{id}`. */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  /** Missing from a full snapshot of 1C's catalog: kept, but inactive. */
  @Column({ type: 'boolean', default: false })
  deactivated!: boolean;

  @Column({ type: 'text' })
  source!: MirrorSource;

  /** The Bitrix24 entity this row was written to, once known. */
  @Column({ type: 'text', nullable: true })
  bitrixId!: string | null;

  /** Hash of the fields last written to Bitrix24: an unchanged projection is never written again. */
  @Column({ type: 'text', nullable: true })
  bitrixHash!: string | null;

  /**
   * The writing transaction's id, for the change-ordered reads: a page only shows rows of transactions older than
   * every running one, so a slow transaction can never commit a change behind a cursor a client already passed.
   */
  @Column({ type: 'bigint', default: () => 'current_xact_id_bigint()' })
  changeTx!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
