import type { DocumentRecord } from '../commerceml/commerceml.records';
import type { ExchangeFileRef } from './catalog-import-sink.port';

export interface SaleDocumentsBatch extends ExchangeFileRef {
  /**
   * 1C's documents as it sends them back through `type=sale&mode=file` (recognised by content, whatever the file
   * name), in file order. Per document, `id` is the order id we sent in `sale/query`, `operation` its
   * `ХозОперация`, and the 1C state is read from its requisites: `number1c`/`date1c` (`Номер по 1С`, `Дата по 1С`),
   * `posted` (`Проведен`), `paid` (`Оплачен`), `paymentNumber1c`/`paymentDate1c` (`Номер оплаты по 1С`,
   * `Дата оплаты по 1С`), `shipped` (`Отгружен`), `shipmentNumber1c`/`shipmentDate1c`, `cancelled` (`Отменен`),
   * `deleted` (`ПометкаУдаления`) and `status` (`Статус заказа`, 1C's own status name). Every requisite is also
   * kept verbatim in `requisites`.
   */
  readonly documents: readonly DocumentRecord[];
}

/**
 * Port: receives 1C's view of one domain's documents (posting result, 1C document numbers, payment, shipment,
 * status). Instant orders and returns each provide one (a class extending this one, in any module of the app: the
 * connector finds it at start-up); the connector routes every document to the contribution owning its
 * `ХозОперация`. A document whose type nobody owns is not applied: it is counted
 * (`onec_sale_documents_unrouted_total`), logged, and written to the IntegrationLog (docs/integrations/1c.md).
 *
 * Same contract as `CatalogImportSink.deliver`: it runs inside the transaction that advances the file's
 * checkpoint, so write through `UnitOfWork.manager` for "once"; 1C may also send the same document again in a
 * later exchange, so apply a document by its `id` and `versionNumber`, never by counting.
 */
export abstract class OnecSaleDocumentsContribution {
  /** `ХозОперация` values this contribution owns; compared without regard to case and repeated spaces. */
  abstract readonly documentTypes: readonly string[];

  /** This contribution's documents of one batch, in file order. Throwing rolls the whole batch back. */
  abstract accept(batch: SaleDocumentsBatch): Promise<void>;
}
