import { AppConfig, loadConfig, PortBindingError, PortBindings } from '@app/core';
import { INestApplicationContext, Logger, Module, Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { InMemorySaleDocuments, InMemorySaleOrders } from '../../../../testing/src/fakes/onec/sale-port-doubles';
import { ORDER_TYPE, RETURN_TYPE } from '../../../../testing/src/fakes/onec/sale-ports.contract';
import { CatalogImportSink } from './catalog-import-sink.port';
import { ExchangePorts } from './exchange-ports';
import { UnroutedSaleDocuments } from './unrouted-sale-documents';

beforeAll(() => {
  Logger.overrideLogger(false);
});

const EXCHANGE = { ONEC_EXCHANGE_LOGIN: '1c', ONEC_EXCHANGE_PASSWORD: 'an-exchange-password-long-enough' };
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  JWT_ISSUER: 'mastermobile',
  JWT_AUDIENCE: 'mastermobile-api',
};

class InstantOrdersForOnec extends InMemorySaleOrders {
  constructor() {
    super([ORDER_TYPE]);
  }
}
class ReturnsForOnec extends InMemorySaleOrders {
  constructor() {
    super([RETURN_TYPE]);
  }
}
class InstantOrderStates extends InMemorySaleDocuments {
  constructor() {
    super([ORDER_TYPE]);
  }
}
class MasterDataCatalog extends CatalogImportSink {
  deliver = () => Promise.resolve();
  fileCompleted = () => Promise.resolve();
  exchangeFinished = () => Promise.resolve();
}
class LegacyCatalog extends MasterDataCatalog {}

/**
 * A started app with the connector's port resolution, whose domain modules provide `domain`, each in a module of
 * its own.
 */
async function appWith(env: Record<string, string>, ...domain: Type<unknown>[]): Promise<INestApplicationContext> {
  const domainModules = domain.map((provider) => {
    @Module({ providers: [provider] })
    class DomainModule {}
    return DomainModule;
  });
  @Module({
    imports: [DiscoveryModule, ...domainModules],
    providers: [
      ExchangePorts,
      PortBindings,
      { provide: AppConfig, useValue: loadConfig(env) },
      { provide: UnroutedSaleDocuments, useValue: { report: () => Promise.resolve() } },
    ],
  })
  class ConnectorUnderTest {}
  return NestFactory.createApplicationContext(ConnectorUnderTest, { logger: false, abortOnError: false });
}

describe('ExchangePorts', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('finds what domain modules provide anywhere in the app and reports what serves each port', async () => {
    app = await appWith(EXCHANGE, MasterDataCatalog, InstantOrdersForOnec, ReturnsForOnec, InstantOrderStates);
    const ports = app.get(ExchangePorts);
    expect(ports.catalog).toBeInstanceOf(MasterDataCatalog);
    expect(app.get(PortBindings).of('onec')).toEqual([
      { port: 'CatalogImportSink', adapter: 'MasterDataCatalog', default: false, inUse: true },
      {
        port: 'OnecSaleOrdersContribution',
        adapter: 'SaleOrdersSource',
        default: false,
        inUse: true,
        contributions: [
          { adapter: 'InstantOrdersForOnec', keys: [ORDER_TYPE] },
          { adapter: 'ReturnsForOnec', keys: [RETURN_TYPE] },
        ],
      },
      {
        port: 'OnecSaleDocumentsContribution',
        adapter: 'SaleDocumentsSink',
        default: false,
        inUse: true,
        contributions: [{ adapter: 'InstantOrderStates', keys: [ORDER_TYPE] }],
      },
    ]);
  });

  it('falls back to stand-ins, reported as defaults, when nothing is provided', async () => {
    app = await appWith({ NODE_ENV: 'test' });
    expect(app.get(PortBindings).of('onec')).toEqual([
      { port: 'CatalogImportSink', adapter: 'LoggingCatalogImportSink', default: true, inUse: false },
      expect.objectContaining({ port: 'OnecSaleOrdersContribution', default: true, contributions: [] }),
      expect.objectContaining({ port: 'OnecSaleDocumentsContribution', default: true, contributions: [] }),
    ]);
  });

  it('stops a production start-up with the exchange configured on each stand-in, naming its port', async () => {
    const starting = appWith({ ...PRODUCTION, ...EXCHANGE }, InstantOrdersForOnec, InstantOrderStates);
    await expect(starting).rejects.toThrow(PortBindingError);
    await expect(starting).rejects.toThrow(
      /^Port CatalogImportSink of the onec connector has no adapter bound: only the stand-in LoggingCatalogImportSink serves it, and it handles nothing$/,
    );
  });

  it('starts in production without an exchange account: nothing reaches the ports', async () => {
    app = await appWith(PRODUCTION);
    expect(app.get(PortBindings).of('onec')?.[0]).toMatchObject({ default: true, inUse: false });
  });

  it('refuses a second catalog sink: the catalog has one owner', async () => {
    await expect(appWith(EXCHANGE, MasterDataCatalog, LegacyCatalog)).rejects.toThrow(
      'Port CatalogImportSink of the onec connector has one owner (master data), but 2 adapters are bound: ' +
        'MasterDataCatalog, LegacyCatalog',
    );
  });
});
