import { Logger } from '@nestjs/common';
import {
  CatalogBatch,
  CatalogExchangeFinished,
  CatalogImportSink,
  ImportedFileSummary,
} from './catalog-import-sink.port';
import { SaleDocumentsBatch, SaleDocumentsSink } from './sale-documents-sink.port';
import { PendingSaleOrder, SaleOrdersSource } from './sale-orders-source.port';

/**
 * Until master data persists the catalog: accepts every record and logs one line per imported file, so an
 * exchange with a real 1C can be run end to end (the records are counted in the session and in metrics).
 */
export class LoggingCatalogImportSink extends CatalogImportSink {
  private readonly logger = new Logger('OnecCatalogImport');

  deliver(_batch: CatalogBatch): Promise<void> {
    return Promise.resolve();
  }

  fileCompleted(file: ImportedFileSummary): Promise<void> {
    this.logger.log(
      {
        exchangeSessionId: file.exchangeSessionId,
        file: file.fileName,
        documentKind: file.documentKind,
        counts: file.counts,
      },
      `1C catalog file imported (no master-data sink bound: records were counted, not stored)`,
    );
    return Promise.resolve();
  }

  exchangeFinished(event: CatalogExchangeFinished): Promise<void> {
    this.logger.log({ exchangeSessionId: event.exchangeSessionId, mode: event.mode }, '1C catalog exchange finished');
    return Promise.resolve();
  }
}

/** Until instant orders and returns exist: nothing waits for 1C. */
export class NoPendingSaleOrders extends SaleOrdersSource {
  pending(_limit: number): Promise<PendingSaleOrder[]> {
    return Promise.resolve([]);
  }

  markExported(): Promise<void> {
    return Promise.resolve();
  }
}

/** Until instant orders and returns exist: logs what 1C reports about each document. */
export class LoggingSaleDocumentsSink extends SaleDocumentsSink {
  private readonly logger = new Logger('OnecSaleDocuments');

  accept(batch: SaleDocumentsBatch): Promise<void> {
    for (const document of batch.documents) {
      this.logger.log(
        {
          exchangeSessionId: batch.exchangeSessionId,
          documentId: document.id,
          number1c: document.number1c,
          posted: document.posted,
          paid: document.paid,
          shipped: document.shipped,
          status: document.status,
        },
        '1C sent a document state (no sale-documents sink bound)',
      );
    }
    return Promise.resolve();
  }
}
