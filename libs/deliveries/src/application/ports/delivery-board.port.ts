import type { Delivery } from '../../domain/delivery';

/**
 * Port: the courier's board in Bitrix24. `show` is called in the transaction of every change, so the item follows
 * the delivery in order (one subject per delivery) and exactly when the change commits.
 */
export abstract class DeliveryBoard {
  /**
   * `content`: the delivery is new or its content changed (a creation, 1C's change, a resolution): its courier and
   * lines are written again. A status change cannot change them and leaves them as written, which keeps the
   * courier's status path free of the master-data lookups they take.
   * `stage: false`: the item's stage is left as it is — for a move the courier made on the board itself, which the
   * stage already shows, and which a write of it could only undo: the courier may have moved on since.
   */
  abstract show(delivery: Delivery, options?: { readonly content?: boolean; readonly stage?: boolean }): Promise<void>;
}
