import { ExactDecimal, MONEY_SCALE } from '@app/core';
import type { ReturnStatus } from './return-status';

/** Why a customer gives goods back: the documented list (docs/integrations/returns.md). */
export const RETURN_REASONS = [
  'refused_at_door',
  'defective',
  'damaged_in_transit',
  'wrong_item',
  'expired',
  'changed_mind',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** The sale a return undoes: a delivery (delivered, or partially) or an instant order 1C posted. */
export interface OriginalSaleRef {
  readonly kind: 'delivery' | 'instant_order';
  readonly id: string;
}

/** One line of the original sale, as it was sold (the quantity and amount the customer took and paid). */
export interface SoldLine {
  readonly lineNo: number;
  readonly productId: string;
  readonly characteristicId: string | null;
  readonly name: string;
  readonly unitCode: string | null;
  readonly vatRate: string | null;
  readonly price: string;
  readonly soldQuantity: string;
  readonly soldAmount: string;
}

export interface OriginalSale extends OriginalSaleRef {
  readonly courierId: string;
  readonly counterpartyId: string | null;
  readonly counterpartyName: string | null;
  readonly warehouseId: string;
  readonly lines: readonly SoldLine[];
}

/** A line a courier asks to take back. */
export interface RequestedLine {
  readonly lineNo: number;
  readonly quantity: string;
  readonly reason: ReturnReason;
}

/** A line of a return, with the refund it is due at the original price. */
export interface ReturnLine extends RequestedLine {
  readonly productId: string;
  readonly characteristicId: string | null;
  readonly name: string;
  readonly unitCode: string | null;
  readonly vatRate: string | null;
  readonly price: string;
  readonly refund: string;
  /** Counted at the warehouse; null until received. */
  readonly receivedQuantity: string | null;
}

export interface Pickup {
  readonly occurredAt: Date;
  readonly geo: { readonly latitude: string; readonly longitude: string } | null;
  /** Cash the courier paid back to the customer; a disbursement for the cash documents to settle. */
  readonly cashRefund: string | null;
}

export interface Receipt {
  readonly occurredAt: Date;
  /** Lines where less arrived than was taken back: a deviation for the back office. */
  readonly shortfall: readonly { readonly lineNo: number; readonly expected: string; readonly received: string }[];
}

export interface OnecReturnPosting {
  readonly documentNumber: string;
  readonly documentDate: string;
  readonly receivedAt: Date;
}

/** The refund's disbursement (РКО) as 1C posted it: what settles the cash a courier paid back. */
export interface RefundSettlement {
  readonly documentId: string;
  readonly documentNumber: string;
  readonly postedAt: Date;
}

export interface Return {
  readonly id: string;
  /** Ours, and 1C's `Номер`: `RT-000042`. */
  readonly number: string;
  readonly courierId: string;
  readonly sale: OriginalSale;
  readonly items: readonly ReturnLine[];
  readonly refundTotal: string;
  readonly comment: string | null;
  /** The courier's item in Bitrix24, for a return started there; null for one requested over REST. */
  readonly bitrixId: string | null;
  readonly status: ReturnStatus;
  readonly approvedBy: 'admin' | 'rule' | null;
  readonly rejectionReason: string | null;
  readonly pickup: Pickup | null;
  readonly receipt: Receipt | null;
  readonly onec: OnecReturnPosting | null;
  /** Null until 1C posts the refund's РКО (or for ever, without a cash refund). */
  readonly refundSettlement: RefundSettlement | null;
  readonly version: number;
  readonly exportedVersion: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The courier paid cash back at pick-up, more than nothing: a disbursement (РКО) is raised for it. */
export function paysCashBack(entry: Return): boolean {
  const cashRefund = entry.pickup?.cashRefund ?? null;
  return cashRefund !== null && !ExactDecimal.parse(cashRefund, MONEY_SCALE).isZero();
}

/** Cash was paid back and 1C has not posted its РКО yet: the return cannot close on its own. */
export function awaitsRefundSettlement(entry: Return): boolean {
  return paysCashBack(entry) && entry.refundSettlement === null;
}
