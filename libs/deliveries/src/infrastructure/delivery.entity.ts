import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeliveryStatus, OutcomeStatus } from '../domain/delivery-status';
import type { DeliveryItem, DeliveryOutcome, OnecAcknowledgement } from '../domain/delivery';

/**
 * One delivery task. Money columns are `numeric` read back as strings (never a JS number); the items keep their
 * decimals as strings inside `jsonb`. `version` counts changes: every update compares and bumps it, so two writers
 * cannot both win.
 */
@Entity({ name: 'deliveries' })
@Index('uq_deliveries_onec_document', ['onecDocumentId'], { unique: true })
@Index('idx_deliveries_listing', ['createdAt', 'id'])
@Index('idx_deliveries_courier', ['courierId', 'createdAt', 'id'])
@Index('idx_deliveries_status', ['status'])
@Index('idx_deliveries_counterparty', ['counterpartyId'])
@Index('idx_deliveries_trip', ['tripId'])
@Index('idx_deliveries_unacknowledged', ['confirmationSentAt'], {
  where: "status IN ('delivered', 'partially_delivered', 'failed')",
})
@Index('idx_deliveries_outcome_report', ['outcomeAt', 'courierId', 'outcomeStatus'], {
  where: 'outcome_at IS NOT NULL',
})
export class DeliveryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** 1C's `Ссылка` of the shipment document (GUID): a second POST of it is the same delivery. */
  @Column({ type: 'text' })
  onecDocumentId!: string;

  /** `sales` («Реализация товаров и услуг») or `order` («Заказ клиента»). */
  @Column({ type: 'text' })
  documentType!: string;

  @Column({ type: 'text' })
  documentNumber!: string;

  @Column({ type: 'date' })
  documentDate!: string;

  @Column({ type: 'text' })
  counterpartyId!: string;

  @Column({ type: 'text' })
  address!: string;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  latitude!: string | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  longitude!: string | null;

  @Column({ type: 'text', nullable: true })
  contactName!: string | null;

  @Column({ type: 'text', nullable: true })
  contactPhone!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  windowFrom!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  windowTo!: Date | null;

  @Column({ type: 'text' })
  warehouseId!: string;

  /** The courier's 1C id (master data `couriers`); a courier token's `courierId`. */
  @Column({ type: 'text', nullable: true })
  courierId!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'jsonb' })
  items!: DeliveryItem[];

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  total!: string;

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  cashOnDelivery!: string;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'jsonb', nullable: true })
  outcome!: DeliveryOutcome | null;

  /**
   * `outcome.status` and `outcome.occurredAt` as columns (written with `outcome`, by the mapper): the deliveries
   * report ranges over the time and groups by the status, through an index an expression on `jsonb` could not have
   * (casting text to `timestamptz` is not immutable). The status stays when 1C closes the delivery.
   */
  @Column({ type: 'text', nullable: true })
  outcomeStatus!: OutcomeStatus | null;

  @Column({ type: 'timestamptz', nullable: true })
  outcomeAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  onecAcknowledgement!: OnecAcknowledgement | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmationSentAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  confirmationsSent!: number;

  @Column({ type: 'uuid', nullable: true })
  tripId!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
