import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AppProcess, createTestEnvironment, startApiProcess, TestEnvironment, tokenFor } from '@app/testing';
import { onecFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { OnecHarness, startOnecHarness } from './onec-harness';

// As shipped, every port of the exchange has its owner: master data the catalog, instant orders and returns the sale
// documents (what production refuses without them is exchange-ports.spec.ts's).
const SHIPPED_PORTS = [
  { port: 'CatalogImportSink', adapter: 'CommerceMlCatalogSink', default: false, inUse: true },
  {
    port: 'OnecSaleOrdersContribution',
    adapter: 'SaleOrdersSource',
    default: false,
    inUse: true,
    contributions: [
      { adapter: 'InstantOrdersSaleOrders', keys: ['Заказ товара'] },
      { adapter: 'ReturnsSaleOrders', keys: ['Возврат товара'] },
    ],
  },
  {
    port: 'OnecSaleDocumentsContribution',
    adapter: 'SaleDocumentsSink',
    default: false,
    inUse: true,
    contributions: [
      { adapter: 'InstantOrdersSaleDocuments', keys: ['Заказ товара'] },
      { adapter: 'ReturnsSaleDocuments', keys: ['Возврат товара'] },
    ],
  },
];

interface ConnectorsBody {
  connectors: { name: string; ports?: { port: string; adapter: string; default: boolean; inUse: boolean }[] }[];
}

describe('the apps as shipped: every 1C port bound by its domain lib', () => {
  let env: TestEnvironment;
  let workDir: string;
  let exchangeEnv: Record<string, string>;
  const started: AppProcess[] = [];
  const startWorker = (overrides: Record<string, string>) => {
    const worker = AppProcess.start('worker', { ...env.env, ...exchangeEnv, ...overrides });
    started.push(worker);
    return worker;
  };
  const startApi = async (overrides: Record<string, string>) => {
    const api = await startApiProcess({ ...env.env, ...exchangeEnv, ...overrides });
    started.push(api.app);
    return api;
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    workDir = await mkdtemp(join(tmpdir(), 'onec-port-bindings-'));
    exchangeEnv = {
      ONEC_EXCHANGE_LOGIN: '1c-exchange',
      ONEC_EXCHANGE_PASSWORD: 'an-exchange-password-long-enough',
      ONEC_EXCHANGE_WORK_DIR: workDir,
    };
  });
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
    await env?.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  it('start in production with the 1C exchange configured, no stand-in in use', async () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      JWT_ISSUER: 'mastermobile',
      JWT_AUDIENCE: 'mastermobile-api',
      WORKER_OPS_PORT: '0',
    };
    const worker = startWorker(production);
    const { app: api } = await startApi({ ...production, PORT: '0' });
    await worker.waitForOutput(/Worker started/);
    expect(api.logs).not.toContain('has no adapter bound');
  });

  it('name the adapters and the document types each contribution owns on the admin and readiness endpoints', async () => {
    const { url } = await startApi({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    const config = env.config({ ...exchangeEnv, NODE_ENV: 'development' });
    const response = await fetch(`${url}/api/v1/admin/connectors`, {
      headers: { authorization: `Bearer ${tokenFor(config, 'admin')}` },
    });
    expect(response.status).toBe(200);
    const onec = ((await response.json()) as ConnectorsBody).connectors.find(({ name }) => name === 'onec');
    expect(onec?.ports).toEqual(SHIPPED_PORTS);
    const ready = (await (await fetch(`${url}/health/ready`)).json()) as {
      details: { ports: { status: string; onec: unknown } };
    };
    expect(ready.details.ports).toMatchObject({ status: 'up', onec: SHIPPED_PORTS });
  });
});

describe('the apps with a domain module bound to the 1C ports (the recording adapters)', () => {
  let harness: OnecHarness;
  beforeAll(async () => {
    harness = await startOnecHarness();
  });
  afterAll(async () => harness?.close());

  it('name the bound adapters and the document types each contribution owns', async () => {
    const { connectors } = await harness.adminGet<ConnectorsBody>('/api/v1/admin/connectors');
    expect(connectors.find(({ name }) => name === 'onec')?.ports).toEqual([
      { port: 'CatalogImportSink', adapter: 'RecordingCatalogImportSink', default: false, inUse: true },
      {
        port: 'OnecSaleOrdersContribution',
        adapter: 'SaleOrdersSource',
        default: false,
        inUse: true,
        contributions: [{ adapter: 'TableSaleOrdersSource', keys: ['Заказ товара', 'Возврат товара'] }],
      },
      {
        port: 'OnecSaleDocumentsContribution',
        adapter: 'SaleDocumentsSink',
        default: false,
        inUse: true,
        contributions: [{ adapter: 'RecordingSaleDocumentsSink', keys: ['Заказ товара', 'Возврат товара'] }],
      },
    ]);
  });

  it('tells 1C success for a document of a type no domain owns, and records it as not applied, visible to admin', async () => {
    const real = readFileSync(onecFixture('ok/sale-file-from-1c-2.08/orders.xml'), 'utf8');
    const data = Buffer.from(
      real
        .replace('<ХозОперация>Заказ товара</ХозОперация>', '<ХозОперация>Реализация товаров</ХозОперация>')
        .replace('<Ид>24c82d03-7149-11eb-80c0-7085c2ddb497</Ид>', '<Ид>SALE-77</Ид>'),
      'utf8',
    );
    const result = await harness.client().runSaleExchange({ documents: [{ name: 'documents.xml', data }] });
    expect(result.failure).toBeUndefined();
    expect(result.documentReplies.at(-1)).toMatch(/^success/);
    expect(await harness.db.query('SELECT document_id FROM test_onec_sale_documents')).toEqual([]);

    const log = await harness.adminGet<{
      items: { operation: string; outcome: string; entityId: string; errorCode: string; requestBody: string }[];
    }>('/api/v1/admin/integration-log?system=onec&outcome=failure');
    expect(log.items).toEqual([
      expect.objectContaining({
        operation: 'exchange.sale.documents.unrouted',
        outcome: 'failure',
        entityId: 'Реализация товаров',
        errorCode: 'ONEC_DOCUMENT_TYPE_UNREGISTERED',
        requestBody: expect.stringContaining('SALE-77'),
      }),
    ]);
    const metrics = await (await fetch(`${harness.api.url}/metrics`)).text();
    expect(metrics).toContain('onec_sale_documents_unrouted_total{operation="Реализация товаров"} 1');
  });
});
