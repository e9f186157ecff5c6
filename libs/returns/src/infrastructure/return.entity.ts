import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import type { OnecReturnPosting, OriginalSale, Pickup, Receipt, RefundSettlement, ReturnLine } from '../domain/return';
import type { ReturnStatus } from '../domain/return-status';

/**
 * One return. The original sale is kept as it was sold (its lines, prices and amounts), so the refund never depends
 * on today's prices; money is `numeric` read back as strings and decimals stay strings inside `jsonb`. `version`
 * counts changes, and 1C's `sale/success` marks exported only the version it was sent.
 */
@Entity({ name: 'returns' })
@Index('uq_returns_number', ['numberSeq'], { unique: true })
@Index('idx_returns_listing', ['createdAt', 'id'])
@Index('idx_returns_courier', ['courierId', 'createdAt', 'id'])
@Index('idx_returns_sale', ['saleKind', 'saleId'])
@Index('idx_returns_counterparty', ['counterpartyId'])
@Index('idx_returns_waiting', ['updatedAt', 'id'], { where: "status = 'received'" })
export class ReturnEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Gives the readable number (`RT-000042`, 1C's `Номер`). */
  @Column({ type: 'bigint' })
  @Generated('increment')
  numberSeq!: string;

  @Column({ type: 'text' })
  courierId!: string;

  /** `delivery` or `instant_order`. */
  @Column({ type: 'text' })
  saleKind!: string;

  @Column({ type: 'uuid' })
  saleId!: string;

  @Column({ type: 'text', nullable: true })
  counterpartyId!: string | null;

  @Column({ type: 'jsonb' })
  sale!: OriginalSale;

  @Column({ type: 'jsonb' })
  items!: ReturnLine[];

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  refundTotal!: string;

  /** Cash the courier paid back at the door: a disbursement for the cash documents to settle. */
  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  cashRefund!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** The courier's item in Bitrix24, for a return started there. */
  @Column({ type: 'text', nullable: true })
  bitrixId!: string | null;

  @Column({ type: 'text' })
  status!: ReturnStatus;

  @Column({ type: 'text', nullable: true })
  approvedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  pickup!: Pickup | null;

  @Column({ type: 'jsonb', nullable: true })
  receipt!: Receipt | null;

  @Column({ type: 'jsonb', nullable: true })
  onec!: OnecReturnPosting | null;

  @Column({ type: 'jsonb', nullable: true })
  refundSettlement!: RefundSettlement | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'integer', nullable: true })
  exportedVersion!: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
