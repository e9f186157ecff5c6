import { Injectable, Optional } from '@nestjs/common';
import { CatalogImportSink } from './catalog-import-sink.port';
import { LoggingCatalogImportSink, LoggingSaleDocumentsSink, NoPendingSaleOrders } from './default-adapters';
import { SaleDocumentsSink } from './sale-documents-sink.port';
import { SaleOrdersSource } from './sale-orders-source.port';

/**
 * The ports the exchange talks to: whatever a `@Global()` module binds, else the default adapters. Domain modules
 * bind them without the connector knowing them (connectors never import domain libs).
 */
@Injectable()
export class ExchangePorts {
  readonly catalog: CatalogImportSink;
  readonly saleDocuments: SaleDocumentsSink;
  readonly saleOrders: SaleOrdersSource;

  constructor(
    @Optional() catalog?: CatalogImportSink,
    @Optional() saleDocuments?: SaleDocumentsSink,
    @Optional() saleOrders?: SaleOrdersSource,
  ) {
    this.catalog = catalog ?? new LoggingCatalogImportSink();
    this.saleDocuments = saleDocuments ?? new LoggingSaleDocumentsSink();
    this.saleOrders = saleOrders ?? new NoPendingSaleOrders();
  }
}
