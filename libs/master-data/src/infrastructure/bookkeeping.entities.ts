import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { MirrorSource } from '../domain/mirror-records';

/** Where each feed (kind × source) stands: what 1C sent last and when. */
@Entity({ name: 'md_feed_cursors' })
export class FeedCursorEntity {
  @PrimaryColumn({ type: 'text' })
  kind!: MasterDataKind;

  @PrimaryColumn({ type: 'text' })
  source!: MirrorSource;

  /** The newest version applied (`НомерВерсии`, the API's version or a hash). */
  @Column({ type: 'text', nullable: true })
  lastVersion!: string | null;

  @Column({ type: 'bigint', default: 0 })
  lastVersionSeq!: string;

  /** The last batch of this feed, changed or not: how fresh the feed is. */
  @Column({ type: 'timestamptz' })
  lastReceivedAt!: Date;

  /** The last batch that changed a row. */
  @Column({ type: 'timestamptz', nullable: true })
  lastChangedAt!: Date | null;

  @Column({ type: 'bigint', default: 0 })
  received!: string;

  @Column({ type: 'bigint', default: 0 })
  changed!: string;

  @Column({ type: 'bigint', default: 0 })
  rejected!: string;
}

/**
 * One CommerceML exchange as master data sees it: its version order (its first batch's time, kept so that a resumed
 * import applies the same versions) and which kinds it delivered as full snapshots.
 */
@Entity({ name: 'md_import_sessions' })
export class ImportSessionEntity {
  @PrimaryColumn({ type: 'text' })
  exchangeSessionId!: string;

  @Column({ type: 'bigint' })
  versionSeq!: string;

  /** Kinds a full snapshot covered: at the end of the exchange, what it did not touch is deactivated. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  fullKinds!: MasterDataKind[];

  @Column({ type: 'boolean', default: false })
  finished!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** What an exchange touched, for the deactivation a full snapshot implies; dropped when the exchange finishes. */
@Entity({ name: 'md_import_touches' })
export class ImportTouchEntity {
  @PrimaryColumn({ type: 'text' })
  exchangeSessionId!: string;

  @PrimaryColumn({ type: 'text' })
  kind!: MasterDataKind;

  @PrimaryColumn({ type: 'text' })
  onecId!: string;
}

export type ReconcileRunStatus = 'running' | 'succeeded' | 'failed';

/** One reconcile of a kind against Bitrix24, with its report. */
@Entity({ name: 'md_reconcile_runs' })
@Index('idx_md_reconcile_runs_listing', ['startedAt', 'id'])
export class ReconcileRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: MasterDataKind;

  @Column({ type: 'boolean' })
  dryRun!: boolean;

  /** `schedule`, or the admin who asked. */
  @Column({ type: 'text' })
  trigger!: string;

  @Column({ type: 'text' })
  status!: ReconcileRunStatus;

  /** ok / created / updated / deactivated / failed */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts!: Record<string, number>;

  /** Up to a few examples per outcome: ids and the fields that differed. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  samples!: Record<string, unknown[]>;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
