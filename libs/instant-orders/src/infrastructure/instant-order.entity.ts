import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import type { Buyer, OnecPosting, OrderLine } from '../domain/instant-order';
import type { InstantOrderStatus } from '../domain/instant-order-status';

/**
 * One instant order. Money is `numeric` read back as strings (never a JS number); the lines keep their decimals as
 * strings inside `jsonb`. `version` counts changes: every update compares and bumps it, so two writers cannot both
 * win, and 1C's `sale/success` marks exported only the version it was sent.
 */
@Entity({ name: 'instant_orders' })
@Index('uq_instant_orders_number', ['numberSeq'], { unique: true })
@Index('idx_instant_orders_listing', ['createdAt', 'id'])
@Index('idx_instant_orders_courier', ['courierId', 'createdAt', 'id'])
@Index('idx_instant_orders_counterparty', ['counterpartyId'])
@Index('idx_instant_orders_delivery', ['deliveryId'])
@Index('idx_instant_orders_waiting', ['updatedAt', 'id'], { where: "status = 'accepted'" })
export class InstantOrderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Gives the readable number (`IO-000123`, 1C's `Номер`). */
  @Column({ type: 'bigint' })
  @Generated('increment')
  numberSeq!: string;

  /** The courier's 1C id (master data `couriers`); a courier token's `courierId`. */
  @Column({ type: 'text' })
  courierId!: string;

  /** The buyer's 1C id when the mirror holds it; a new person is in `buyer` only. */
  @Column({ type: 'text', nullable: true })
  counterpartyId!: string | null;

  @Column({ type: 'jsonb' })
  buyer!: Buyer;

  @Column({ type: 'uuid', nullable: true })
  deliveryId!: string | null;

  @Column({ type: 'text' })
  priceTypeId!: string;

  /** The courier's own warehouse at the time of the sale, whose stock the order holds. */
  @Column({ type: 'text' })
  warehouseId!: string;

  @Column({ type: 'text' })
  payment!: string;

  @Column({ type: 'jsonb' })
  items!: OrderLine[];

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  total!: string;

  @Column({ type: 'numeric', precision: 15, scale: 2 })
  vatTotal!: string;

  @Column({ type: 'text', nullable: true })
  discountReason!: string | null;

  @Column({ type: 'timestamptz' })
  soldAt!: Date;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  latitude!: string | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true })
  longitude!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'text' })
  status!: InstantOrderStatus;

  /** `rest` or `bitrix24`: the door the courier used. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  bitrixId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  onec!: OnecPosting | null;

  @Column({ type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'integer', nullable: true })
  exportedVersion!: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * The stock one line of an order holds at its courier's warehouse. Counted against the mirror's stock while not
 * released, and once 1C posted the order (`settled_at`) only until the mirror's stock level changes after that.
 */
@Entity({ name: 'instant_order_reservations' })
@Index('idx_instant_order_reservations_held', ['warehouseId', 'offerId'], { where: 'released_at IS NULL' })
export class StockReservationEntity {
  @PrimaryColumn({ type: 'uuid' })
  orderId!: string;

  @PrimaryColumn({ type: 'text' })
  offerId!: string;

  @Column({ type: 'text' })
  warehouseId!: string;

  @Column({ type: 'numeric', precision: 15, scale: 3 })
  quantity!: string;

  @Column({ type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}
