import type { FieldError } from '@app/core';
import type { InstantOrder } from '../../domain/instant-order';

/**
 * Port: the courier's smart-process item of an order made in Bitrix24. The item follows the order: its stage is the
 * order's status (the middleware leads it), its number and 1C's number are shown on it. Every call publishes in the
 * caller's transaction, so the item changes exactly when the order does.
 */
export abstract class OrderBoard {
  /** Shows the order on its item; `adopt` makes the item the courier created in the portal ours first. */
  abstract show(order: InstantOrder, options?: { readonly adopt?: boolean }): Promise<void>;

  /** The item broke the sale rules: it moves to the rejected stage with the reasons, and nothing reaches 1C. */
  abstract refuse(orderId: string, bitrixId: string, errors: readonly FieldError[]): Promise<void>;
}
