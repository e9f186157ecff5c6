import type { InstantOrder } from '../../domain/instant-order';

/**
 * Port: how an accepted order reaches 1C beyond the CommerceML exchange. Where 1C publishes an HTTP service the
 * order is pushed through the outbox (in the order's transaction, so it is never lost nor sent twice) and counts as
 * sent; otherwise it waits for 1C's `sale/query`.
 */
export abstract class OrderPublication {
  /** Whether accepted orders are pushed (1C's HTTP service is configured). */
  abstract readonly pushes: boolean;

  abstract push(order: InstantOrder): Promise<void>;

  /**
   * The cash the courier holds for the order changed (a cash sale accepted, amended or cancelled): the cash
   * documents learn the amount it holds now, in the order's transaction.
   */
  abstract cashHeld(order: InstantOrder, amount: string): Promise<void>;
}
