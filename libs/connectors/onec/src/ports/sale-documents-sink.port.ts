import type { DocumentRecord } from '../commerceml';
import type { ExchangeFileRef } from './catalog-import-sink.port';

export interface SaleDocumentsBatch extends ExchangeFileRef {
  /**
   * 1C's documents as it sends them back through `type=sale&mode=file` (recognised by content, whatever the file
   * name). Per document, `id` is the order id we sent in `sale/query` and the 1C state is read from its
   * requisites: `number1c`/`date1c` (`Номер по 1С`, `Дата по 1С`), `posted` (`Проведен`), `paid` (`Оплачен`),
   * `paymentNumber1c`/`paymentDate1c` (`Номер оплаты по 1С`, `Дата оплаты по 1С`), `shipped` (`Отгружен`),
   * `shipmentNumber1c`/`shipmentDate1c`, `cancelled` (`Отменен`), `deleted` (`ПометкаУдаления`) and `status`
   * (`Статус заказа`, 1C's own status name). Every requisite is also kept verbatim in `requisites`.
   */
  readonly documents: readonly DocumentRecord[];
}

/**
 * Port: receives 1C's view of orders and returns (posting result, 1C document numbers, payment, shipment,
 * status). The instant-orders and returns modules implement it; the default adapter logs each document.
 *
 * Same contract as {@link CatalogImportSink.deliver}: it runs inside the transaction that advances the file's
 * checkpoint, so write through `UnitOfWork.manager` for "once"; 1C may also send the same document again in a
 * later exchange, so apply a document by its `id` and `versionNumber`, never by counting. Bind it from a
 * `@Global()` module.
 */
export abstract class SaleDocumentsSink {
  abstract accept(batch: SaleDocumentsBatch): Promise<void>;
}
