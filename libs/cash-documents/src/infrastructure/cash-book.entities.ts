import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A sale's cash a courier took; open (not handed in) until a posted ПКО settles it. */
@Entity({ name: 'cash_collections' })
@Index('idx_cash_collections_open', ['courierId', 'collectedAt'], { where: 'settled_at IS NULL' })
@Index('idx_cash_collections_mismatch', ['collectedAt'], { where: 'amount <> expected' })
export class CashCollectionEntity {
  /** `delivery` or `instant_order`. */
  @PrimaryColumn({ type: 'text' })
  type!: string;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  courierId!: string;

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  amount!: string;

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  expected!: string;

  @Column({ type: 'timestamptz' })
  collectedAt!: Date;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'uuid', nullable: true })
  settledBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  settledAt!: Date | null;
}

/**
 * The couriers' ledger: appended, never updated or deleted. `key` makes each input count once; a balance is the
 * sum of a courier's entries on an account.
 */
@Entity({ name: 'cash_ledger_entries' })
@Index('uq_cash_ledger_key', ['key'], { unique: true })
@Index('idx_cash_ledger_courier', ['courierId', 'account'])
@Index('idx_cash_ledger_document', ['documentType', 'documentId'])
export class CashLedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  courierId!: string;

  /** `cash_on_hand` or `advance`. */
  @Column({ type: 'text' })
  account!: string;

  /** Signed: plus is more the courier answers for. */
  @Column({ type: 'numeric', precision: 15, scale: 2 })
  amount!: string;

  @Column({ type: 'text' })
  documentType!: string;

  @Column({ type: 'text' })
  documentId!: string;

  @Column({ type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
