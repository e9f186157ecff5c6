import { adapterName, AppConfig, PortBindingError, PortBindings, providersExtending } from '@app/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CatalogImportSink } from './catalog-import-sink.port';
import { DocumentTypeOwners } from './document-type-owners';
import { LoggingCatalogImportSink } from './logging-catalog-import-sink';
import { OnecSaleDocumentsContribution } from './sale-documents-contribution.port';
import { SaleDocumentsSink } from './sale-documents-sink';
import { OnecSaleOrdersContribution } from './sale-orders-contribution.port';
import { SaleOrdersSource } from './sale-orders-source';
import { UnroutedSaleDocuments } from './unrouted-sale-documents';

/**
 * The ports the exchange talks to, resolved once the app's providers exist. A domain module plugs in by providing
 * a class that extends a port class, in any module of the app; the connector finds it here (connectors never
 * import domain libs, and nothing in the connector needs editing). The catalog sink has one owner; the sale ports
 * are fan-ins over every contribution. What serves each port is reported to {@link PortBindings}, which stops a
 * production start-up on a stand-in while the exchange is configured.
 */
@Injectable()
export class ExchangePorts implements OnModuleInit {
  catalog!: CatalogImportSink;
  saleOrders!: SaleOrdersSource;
  saleDocuments!: SaleDocumentsSink;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly bindings: PortBindings,
    private readonly unrouted: UnroutedSaleDocuments,
  ) {}

  onModuleInit(): void {
    const catalogSinks = providersExtending(this.discovery, CatalogImportSink);
    if (catalogSinks.length > 1) {
      throw new PortBindingError([
        `Port CatalogImportSink of the onec connector has one owner (master data), but ${catalogSinks.length} ` +
          `adapters are bound: ${catalogSinks.map(adapterName).join(', ')}`,
      ]);
    }
    const orders = new DocumentTypeOwners(
      'OnecSaleOrdersContribution',
      providersExtending(this.discovery, OnecSaleOrdersContribution),
    );
    const documents = new DocumentTypeOwners(
      'OnecSaleDocumentsContribution',
      providersExtending(this.discovery, OnecSaleDocumentsContribution),
    );
    this.catalog = catalogSinks[0] ?? new LoggingCatalogImportSink();
    this.saleOrders = new SaleOrdersSource(orders);
    this.saleDocuments = new SaleDocumentsSink(documents, (batch) => this.unrouted.report(batch));

    // Without an exchange account every exchange call is refused, so nothing reaches the ports.
    const inUse = this.config.onec.exchange.account !== undefined;
    this.bindings.report('onec', [
      { port: 'CatalogImportSink', adapter: adapterName(this.catalog), default: catalogSinks.length === 0, inUse },
      ...[orders, documents].map((owners, index) => ({
        port: owners.port,
        adapter: adapterName(index === 0 ? this.saleOrders : this.saleDocuments),
        default: owners.contributions.length === 0,
        inUse,
        contributions: owners.describe(),
      })),
    ]);
  }
}
