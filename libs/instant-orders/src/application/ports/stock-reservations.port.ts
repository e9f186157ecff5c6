/** One offer an order takes from a warehouse. */
export interface StockClaim {
  readonly path: string;
  readonly offerId: string;
  readonly quantity: string;
  /** The mirror's stock of the offer there now, and when it last changed. */
  readonly stock: string | null;
  readonly stockChangedAt: Date | null;
}

/**
 * Port: the stock an order holds at its courier's warehouse, so that two orders cannot sell the same last item.
 * Every method runs in the order's transaction.
 */
export abstract class StockReservations {
  /**
   * Takes `claims` for the order, each only if the mirror's stock less what other orders hold covers it; the
   * claims are serialised per warehouse and offer, so of two orders for the last unit one waits for the other and
   * then sees it. Returns the claims that did not fit (nothing is reserved then: the caller rolls back).
   */
  abstract reserve(orderId: string, warehouseId: string, claims: readonly StockClaim[]): Promise<StockClaim[]>;

  /** The order no longer holds stock (cancelled, rejected by 1C, or replaced by its amendment). */
  abstract release(orderId: string): Promise<void>;

  /**
   * 1C posted the order: its stock stays held until the mirror's stock level changes after now (1C's next stock
   * export includes the sale), or for the configured hold at most.
   */
  abstract settle(orderId: string): Promise<void>;
}
