import type { Delivery } from '../../domain/delivery';

/**
 * Port: the courier's board in Bitrix24. `show` is called in the transaction of every change, so the item follows
 * the delivery in order (one subject per delivery) and exactly when the change commits.
 */
export abstract class DeliveryBoard {
  /**
   * `lines`: the shipment's lines are new or changed (a creation, 1C's change, a resolution), and the item's product
   * rows are written again; a status change leaves them, which keeps the courier's status path short.
   */
  abstract show(delivery: Delivery, options?: { readonly lines?: boolean }): Promise<void>;
}
