import type { SaleDocument } from '../commerceml';

/** Which version of an order went to 1C: only that version is marked exported on `sale/success`. */
export interface SaleOrderRef {
  /** The order's id, written as the document's `Ид`. */
  readonly id: string;
  /** Opaque to the exchange (an entity version, an updated-at stamp): the source's guard against a lost update. */
  readonly version: string;
}

export interface PendingSaleOrder {
  readonly ref: SaleOrderRef;
  /** The CommerceML `Документ` to send (see `SaleDocument` for the field mapping). */
  readonly document: SaleDocument;
}

/**
 * Port: the orders and returns waiting for 1C, served on `type=sale&mode=query`. The instant-orders and returns
 * modules implement it; the default adapter has none.
 *
 * 1C's order exchange is two-phase: `query` sends the documents, `success` confirms 1C took them. So `pending`
 * must keep returning an order until `markExported` is called with its ref (a query without a success, e.g. 1C
 * crashed, sends the same orders again), and `markExported` must mark only the version that was sent: an order
 * changed between `query` and `success` stays pending and goes out again. Bind it from a `@Global()` module.
 */
export abstract class SaleOrdersSource {
  /** At most `limit` orders waiting for 1C, oldest first. */
  abstract pending(limit: number): Promise<PendingSaleOrder[]>;

  /**
   * Runs in a transaction (`UnitOfWork`) on `sale/success`; write through `UnitOfWork.manager`. Refs whose version
   * has moved on must be left pending.
   */
  abstract markExported(refs: readonly SaleOrderRef[], context: { readonly exchangeSessionId: string }): Promise<void>;
}
