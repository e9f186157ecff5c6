import type { SaleDocument } from '../commerceml/sale-document';

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
  /**
   * Since when this version has waited for 1C (its last change, as a rule). `pending` returns orders oldest first
   * by it, and the connector merges the contributions by it.
   */
  readonly waitingSince: Date;
}

export interface SaleExportContext {
  readonly exchangeSessionId: string;
}

/**
 * Port: one domain's orders or returns waiting for 1C, served on `type=sale&mode=query`. Instant orders and returns
 * each provide one (a class extending this one, in any module of the app: the connector finds it at start-up);
 * the connector merges every contribution into the one reply 1C reads, oldest first, at most
 * `ONEC_SALE_QUERY_LIMIT` documents in all.
 *
 * A contribution owns the `ХозОперация` values in {@link documentTypes} (`Заказ товара`, `Возврат товара`): every
 * document it returns has one of them, and no other contribution claims them (the start-up fails otherwise).
 *
 * 1C's order exchange is two-phase: `query` sends the documents, `success` confirms 1C took them. So `pending`
 * must keep returning an order until `markExported` is called with its ref (a query without a success, e.g. 1C
 * crashed, sends the same orders again), and `markExported` must mark only the version that was sent: an order
 * changed between `query` and `success` stays pending and goes out again.
 */
export abstract class OnecSaleOrdersContribution {
  /** `ХозОперация` values this contribution sends; compared without regard to case and repeated spaces. */
  abstract readonly documentTypes: readonly string[];

  /** At most `limit` orders waiting for 1C, oldest `waitingSince` first. */
  abstract pending(limit: number): Promise<PendingSaleOrder[]>;

  /**
   * Runs in a transaction (`UnitOfWork`) on `sale/success`, with this contribution's refs only; write through
   * `UnitOfWork.manager`. Refs whose version has moved on must be left pending.
   */
  abstract markExported(refs: readonly SaleOrderRef[], context: SaleExportContext): Promise<void>;
}
