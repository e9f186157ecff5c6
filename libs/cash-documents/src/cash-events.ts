/**
 * The cash the other domains report, and the queue that carries it here: the deliveries, instant orders and returns
 * publish these events through the outbox in the transaction of the change, and this lib's consumer applies them
 * exactly once (the backbone's processed-events record), in order per subject.
 */
export const CASH_DESTINATION = 'cash';

/** Cash a courier took for a sale; the amount it holds now (a corrected or cancelled sale reports its new amount). */
export const CASH_COLLECTED = 'mastermobile.cash.collected.v1';

/** Cash a courier paid back to a customer on a return: a disbursement to settle. */
export const CASH_REFUNDED = 'mastermobile.cash.refunded.v1';

export interface CashCollectedData {
  readonly source: { readonly type: 'delivery' | 'instant_order'; readonly id: string; readonly number: string };
  readonly courierId: string;
  /** What the courier holds for the sale now, roubles as a decimal string. */
  readonly amount: string;
  /** What the sale called for; a different `amount` is a cash-on-delivery deviation. */
  readonly expected: string;
  readonly occurredAt: string;
  /** The sale's version: an older report than the one applied changes nothing. */
  readonly version: number;
}

export interface CashRefundedData {
  readonly returnId: string;
  readonly returnNumber: string;
  readonly courierId: string;
  readonly counterpartyId: string | null;
  readonly amount: string;
  readonly occurredAt: string;
}

/**
 * The way back: 1C posted the disbursement (РКО) that settles a return's cash refund. The cash documents publish it,
 * in the transaction of the posting, to the returns' queue; the returns close a posted return on it.
 */
export const REFUND_SETTLEMENTS_DESTINATION = 'returns.refund-settlements';

export const CASH_REFUND_SETTLED = 'mastermobile.cash.refund_settled.v1';

export interface CashRefundSettledData {
  readonly returnId: string;
  /** The disbursement among the cash documents. */
  readonly documentId: string;
  /** 1C's number of the posted document. */
  readonly documentNumber: string;
  /** What 1C posted, roubles as a decimal string. */
  readonly amount: string;
  readonly postedAt: string;
}
