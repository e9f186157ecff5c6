import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import type { ExpenseLine, OnecPosting, Settlement } from '../domain/cash-document';

/**
 * One cash document. Money is `numeric` read back as strings; decimals stay strings inside `jsonb`. `settles` is
 * searched by containment among one courier's documents (who settles this sale already?); `posted_amount` is 1C's amount as a
 * column so the documents 1C posted differently are found by a small partial index.
 */
@Entity({ name: 'cash_documents' })
@Index('uq_cash_documents_number', ['numberSeq'], { unique: true })
@Index('uq_cash_documents_origin', ['originKey'], { unique: true, where: 'origin_key IS NOT NULL' })
@Index('idx_cash_documents_listing', ['createdAt', 'id'])
@Index('idx_cash_documents_courier', ['courierId', 'createdAt', 'id'])
@Index('idx_cash_documents_advance', ['advanceId'], { where: 'advance_id IS NOT NULL' })
@Index('idx_cash_documents_sent', ['sentAt'], { where: "status = 'sent_to_1c'" })
@Index('idx_cash_documents_posted_differently', ['id'], { where: "status = 'posted' AND posted_amount <> amount" })
export class CashDocumentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Gives the readable number (`КД-000042`). */
  @Column({ type: 'bigint' })
  @Generated('increment')
  numberSeq!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  operation!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'text' })
  courierId!: string;

  @Column({ type: 'text', nullable: true })
  cashDeskId!: string | null;

  @Column({ type: 'text', nullable: true })
  counterpartyId!: string | null;

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  amount!: string;

  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ type: 'text', nullable: true })
  cashFlowItem!: string | null;

  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  vatIncluded!: string | null;

  @Column({ type: 'jsonb' })
  settles!: Settlement[];

  @Column({ type: 'uuid', nullable: true })
  advanceId!: string | null;

  @Column({ type: 'jsonb' })
  lines!: ExpenseLine[];

  @Column({ type: 'text' })
  origin!: string;

  @Column({ type: 'text', nullable: true })
  originKey!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  onec!: OnecPosting | null;

  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  postedAmount!: string | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
