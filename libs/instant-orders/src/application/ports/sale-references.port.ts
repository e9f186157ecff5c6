import type { OfferTermsView } from '../../domain/order-pricing';

/** What the mirror says about one offer, with the stock at the courier's warehouse. */
export interface OfferTerms extends OfferTermsView {
  readonly stock: string | null;
  /** When the mirror last changed that stock level: sales 1C posted after it are not in it yet. */
  readonly stockChangedAt: Date | null;
}

/** A reference of the order the mirror must hold in use, and the field that makes it. */
export interface OrderReference {
  readonly kind: 'price-types';
  readonly onecId: string;
  readonly path: string;
}

/**
 * Port: what an instant order is checked against: master data's mirror (products, prices, stock, couriers,
 * counterparties, price types) and the deliveries an order may be sold on.
 */
export abstract class SaleReferences {
  /** The courier's own warehouse (its van stock); undefined when the mirror holds no such courier in use. */
  abstract courierWarehouse(courierId: string): Promise<{ readonly warehouseId: string | null } | undefined>;

  /** The name of a counterparty the mirror holds in use; undefined otherwise. */
  abstract counterpartyName(counterpartyId: string): Promise<string | undefined>;

  /** The references the mirror does not hold in use. */
  abstract unusable(references: readonly OrderReference[]): Promise<OrderReference[]>;

  /** The terms of each offer the mirror holds in use, by offer id (`<product>` or `<product>#<characteristic>`). */
  abstract offerTerms(
    offerIds: readonly string[],
    priceTypeId: string,
    warehouseId: string,
  ): Promise<ReadonlyMap<string, OfferTerms>>;

  /** Whether a delivery of this courier exists (an order sold at its door names it). */
  abstract isCouriersDelivery(deliveryId: string, courierId: string): Promise<boolean>;
}
