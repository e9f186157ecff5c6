/** The courier's orders in Bitrix24: a smart process registered under this kind (mapping file `entities`). */
export const INSTANT_ORDER_KIND = 'instant_order';

/**
 * The stage of an item that broke the sale rules: not an order status (no order exists), but mapped like one to the
 * smart process's "rejected" stage.
 */
export const REJECTED_STAGE = 'rejected';
