import { CourierDirectory, ProductCatalogGateway } from '@app/bitrix24';
import { FakeBitrix24, RunningHttpApp, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { DELIVERY_CATEGORY, DELIVERY_TYPE, FAKE_SMART_PROCESSES, requestUpserts, webhookEnv } from './bitrix24-harness';

describe('Bitrix24 outbound path: outbox → consumer → batcher → client → fake portal', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;

  const outboxDone = async (): Promise<boolean> => {
    const [row] = await db.query<{ open: string }[]>(
      `SELECT count(*) AS open FROM outbox_events WHERE destination = 'bitrix24' AND status <> 'delivered'`,
    );
    return Number(row.open) === 0;
  };

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, limits: { burst: 20, drainPerSec: 20 } });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, { BITRIX24_RATE_BURST: '20', BITRIX24_RATE_PER_SECOND: '20' }),
    });
    ({ api, db } = middleware);
    worker = middleware.worker!;
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('creates each delivery once with its mapped fields and stage, then updates it in place', async () => {
    const requests = Array.from({ length: 120 }, (_, index) => ({
      kind: 'delivery' as const,
      externalId: `d-${index}`,
      fields: { title: `Delivery ${index}`, amount: index * 10, onecId: `1c-${index}` },
      status: 'new',
    }));
    await requestUpserts(api.app, requests);
    await waitFor(outboxDone, { what: 'creates delivered' });
    await requestUpserts(
      api.app,
      requests
        .slice(0, 30)
        .map((request) => ({ ...request, status: 'delivered', fields: { ...request.fields, amount: 1 } })),
    );
    await waitFor(outboxDone, { what: 'updates delivered' });

    const items = fake.items(DELIVERY_TYPE);
    expect(items).toHaveLength(120);
    const byXml = new Map(items.map((item) => [item.xmlId, item]));
    expect(byXml.get('d-50')).toMatchObject({
      title: 'Delivery 50',
      opportunity: 500,
      ufCrm5_OnecId: '1c-50',
      categoryId: DELIVERY_CATEGORY,
      stageId: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:NEW`,
    });
    expect(byXml.get('d-7')).toMatchObject({
      opportunity: 1,
      stageId: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:SUCCESS`,
    });
    // Batched: far fewer requests than upserts.
    expect(fake.stats.requests).toBeLessThan(60);
  });

  it('gives the domain the catalog port: many products in one call, each with its own result', async () => {
    const gateway = worker.app.get(ProductCatalogGateway);
    const results = await gateway.upsertMany([
      { externalId: 'p-1', fields: { name: 'Bread', price: 45.5, article: 'BR-1' } },
      { externalId: 'p-2', fields: { name: 'Milk', price: 89 } },
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    const again = await gateway.upsertMany([{ externalId: 'p-1', fields: { name: 'Rye bread', price: 50 } }]);
    expect(again[0]).toMatchObject({ status: 'fulfilled', value: { created: false } });
    expect(fake.products().map((product) => [product.xmlId, product.name, product.purchasingPrice])).toEqual([
      ['p-1', 'Rye bread', '50.000000'],
      ['p-2', 'Milk', '89.000000'],
    ]);
  });

  it('reads couriers from portal users through the mapped user field', async () => {
    fake.seed({
      users: [
        { ID: 7, NAME: 'Ivan', LAST_NAME: 'Petrov', ACTIVE: true, UF_USR_1C_ID: 'c-7' },
        { ID: 8, NAME: 'Olga', ACTIVE: true, UF_USR_1C_ID: '' },
        { ID: 9, NAME: 'Gone', ACTIVE: false, UF_USR_1C_ID: 'c-9' },
      ],
    });
    const directory = worker.app.get(CourierDirectory);
    expect(await directory.listCouriers()).toEqual([
      { bitrixUserId: '7', externalId: 'c-7', active: true, fields: { name: 'Ivan', lastName: 'Petrov' } },
    ]);
    expect(await directory.findByExternalId('c-9')).toMatchObject({ bitrixUserId: '9', active: false });
    expect(await directory.findByExternalId('c-404')).toBeUndefined();
  });
});
