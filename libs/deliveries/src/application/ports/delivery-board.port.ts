import type { Delivery } from '../../domain/delivery';

/**
 * Port: the courier's board in Bitrix24. `show` is called in the transaction of every change, so the item follows
 * the delivery in order (one subject per delivery) and exactly when the change commits.
 */
export abstract class DeliveryBoard {
  abstract show(delivery: Delivery): Promise<void>;
}
