import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { PortBinding, PortBindingError, PortBindings } from './port-bindings';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  JWT_ISSUER: 'mastermobile',
  JWT_AUDIENCE: 'mastermobile-api',
};

const catalogFallback: PortBinding = {
  port: 'CatalogImportSink',
  adapter: 'LoggingCatalogImportSink',
  default: true,
  inUse: true,
};
const ordersComposite: PortBinding = {
  port: 'OnecSaleOrdersContribution',
  adapter: 'SaleOrdersSource',
  default: false,
  inUse: true,
  contributions: [{ adapter: 'InstantOrdersForOnec', keys: ['Заказ товара'] }],
};

describe('PortBindings', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('stops a production start-up with one line per fallback on a port in use, naming the port', () => {
    const bindings = new PortBindings(loadConfig(PRODUCTION));
    bindings.report('onec', [
      catalogFallback,
      ordersComposite,
      {
        port: 'OnecSaleDocumentsContribution',
        adapter: 'SaleDocumentsSink',
        default: true,
        inUse: true,
        contributions: [],
      },
    ]);
    let thrown: unknown;
    try {
      bindings.onApplicationBootstrap();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PortBindingError);
    expect((thrown as PortBindingError).message.split('\n')).toEqual([
      'Port CatalogImportSink of the onec connector has no adapter bound: only the stand-in ' +
        'LoggingCatalogImportSink serves it, and it handles nothing',
      'Port OnecSaleDocumentsContribution of the onec connector has no adapter bound: only the stand-in ' +
        'SaleDocumentsSink serves it, and it handles nothing',
    ]);
  });

  it('only warns outside production, once per port', () => {
    const bindings = new PortBindings(loadConfig({ NODE_ENV: 'development' }));
    bindings.report('onec', [catalogFallback, ordersComposite]);
    expect(() => bindings.onApplicationBootstrap()).not.toThrow();
    expect(warnings).toEqual([expect.stringMatching(/^Port CatalogImportSink .* stops the start-up in production\)$/)]);
  });

  it('accepts a fallback on a port nothing sends to, even in production', () => {
    const bindings = new PortBindings(loadConfig(PRODUCTION));
    bindings.report('onec', [{ ...catalogFallback, inUse: false }]);
    expect(() => bindings.onApplicationBootstrap()).not.toThrow();
    expect(warnings).toEqual([]);
  });

  it('lists the reports by connector, the latest report of each', () => {
    const bindings = new PortBindings(loadConfig({ NODE_ENV: 'test' }));
    bindings.report('onec', [catalogFallback]);
    bindings.report('bitrix24', [ordersComposite]);
    bindings.report('onec', [ordersComposite]);
    expect(Object.keys(bindings.all())).toEqual(['bitrix24', 'onec']);
    expect(bindings.of('onec')).toEqual([ordersComposite]);
    expect(bindings.of('nothing')).toBeUndefined();
  });
});
