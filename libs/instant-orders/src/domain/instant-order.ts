import type { InstantOrderStatus } from './instant-order-status';

/** How the customer paid the courier. */
export const PAYMENT_METHODS = ['cash', 'card', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * Why a line is sold below the price list: the documented list a discount must name (a courier cannot set a price,
 * only grant a discount within the configured limit for one of these).
 */
export const DISCOUNT_REASONS = ['damaged_packaging', 'short_expiry', 'late_delivery', 'loyalty', 'other'] as const;
export type DiscountReason = (typeof DISCOUNT_REASONS)[number];

/**
 * The buyer: a counterparty the mirror holds, or a new person the courier met at the door, sent to 1C as a draft
 * counterparty (our id as its `Ид`, so 1C can match it when it creates its own).
 */
export type Buyer =
  /** `name`: the mirror's, kept with the order for 1C's document. */
  | { readonly kind: 'known'; readonly counterpartyId: string; readonly name?: string }
  | { readonly kind: 'new'; readonly draftId: string; readonly name: string; readonly phone: string };

/** A line as the courier sends it: prices as the mirror holds them; amounts as the courier's tool computed them. */
export interface OrderLineInput {
  readonly productId: string;
  readonly characteristicId: string | null;
  readonly quantity: string;
  readonly price: string;
  /** Roubles off the line; zero or absent without a discount reason. */
  readonly discount: string | null;
  readonly amount: string;
}

/** What a courier sends; `courierId` is the token's for a courier, named by an admin. */
export interface InstantOrderContent {
  readonly courierId: string;
  readonly buyer: Buyer;
  readonly deliveryId: string | null;
  readonly priceTypeId: string;
  readonly payment: PaymentMethod;
  readonly items: readonly OrderLineInput[];
  readonly total: string;
  readonly discountReason: DiscountReason | null;
  readonly soldAt: Date;
  readonly geo: { readonly latitude: string; readonly longitude: string } | null;
  readonly comment: string | null;
}

/** A line as accepted: checked, with what 1C's document needs from the mirror at the time of the sale. */
export interface OrderLine extends OrderLineInput {
  readonly lineNo: number;
  readonly name: string;
  readonly unitCode: string | null;
  /** The mirror's VAT code (`22`, `10`, `without`, …); null when 1C sent none. */
  readonly vatRate: string | null;
  /** The VAT included in `amount`. */
  readonly vatAmount: string;
}

export interface OnecPosting {
  readonly outcome: 'posted' | 'rejected';
  readonly documentNumber: string | null;
  readonly documentDate: string | null;
  readonly reason: string | null;
  readonly receivedAt: Date;
}

export interface InstantOrder extends Omit<InstantOrderContent, 'items'> {
  readonly id: string;
  /** Ours, short and readable for the courier and 1C's `Номер`: `МГ-000123`. */
  readonly number: string;
  readonly items: readonly OrderLine[];
  readonly vatTotal: string;
  /** The courier's own warehouse, whose stock the order reserves. */
  readonly warehouseId: string;
  readonly status: InstantOrderStatus;
  readonly source: 'rest' | 'bitrix24';
  readonly bitrixId: string | null;
  readonly onec: OnecPosting | null;
  readonly cancelReason: string | null;
  /** Grows with every change; the version 1C last took is `exportedVersion`. */
  readonly version: number;
  readonly exportedVersion: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
