import { FakeBitrix24 } from './fake-bitrix24';
import { call, startReceiver, type Loose } from './spec-helpers';

describe('FakeBitrix24 /_fake inspection API', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start();
  });

  afterEach(() => fake.stop());

  async function inspect(method: string, path: string, body?: object): Promise<{ status: number; body: Loose }> {
    const response = await fetch(`${fake.baseUrl}/_fake/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Loose };
  }

  it('exposes the connection settings', async () => {
    const state = await inspect('GET', 'state');

    expect(state.body.webhookUrl).toBe(fake.webhookUrl);
    expect(state.body.oauth).toMatchObject({ clientId: fake.oauth.clientId, tokenUrl: fake.oauth.tokenUrl });
  });

  it('seeds data and reads it back', async () => {
    await inspect('POST', 'seed', {
      items: [{ entityTypeId: 2, title: 'Seeded', originId: '1c-guid' }],
      users: [{ ID: 7, NAME: 'Courier', UF_DEPARTMENT: [5] }],
      products: [{ iblockId: 23, name: 'Phone', xmlId: 'sku-1' }],
    });

    expect((await inspect('GET', 'items/2')).body).toMatchObject([{ id: 1, title: 'Seeded', originId: '1c-guid' }]);
    expect((await inspect('GET', 'users')).body).toMatchObject([{ ID: '1' }, { ID: '7', NAME: 'Courier' }]);
    expect((await inspect('GET', 'products')).body).toMatchObject([{ name: 'Phone', xmlId: 'sku-1' }]);
  });

  it('sets faults and limits, and records requests and counters', async () => {
    await inspect('PUT', 'faults', { rules: [{ method: 'crm.item.fields', kind: 'internal-error', probability: 1 }] });
    expect((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(500);
    await inspect('DELETE', 'faults');
    expect((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(200);

    await inspect('PUT', 'limits', { burst: 1, drainPerSec: 0.001 });
    expect((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(503);

    const requests = await inspect('GET', 'requests');
    expect((requests.body as unknown as Loose[]).map((request) => request.status)).toEqual([500, 200, 503]);
    expect((await inspect('GET', 'stats')).body).toMatchObject({ requests: 3, served503: 1 });
    await inspect('DELETE', 'requests');
    expect((await inspect('GET', 'requests')).body).toEqual([]);
  });

  it('simulates UI edits that fire events to outgoing webhooks', async () => {
    const receiver = await startReceiver();
    try {
      await inspect('POST', 'outgoing-webhooks', { url: receiver.url, events: ['ONCRMDEALUPDATE'] });
      const created = await inspect('POST', 'ui/items/2', { fields: { title: 'By courier' }, userId: 9 });
      await inspect('PATCH', `ui/items/2/${created.body.id as unknown as number}`, {
        fields: { stageId: 'EXECUTING' },
        userId: 9,
      });
      await inspect('POST', 'deliveries/settle');

      const deliveries = await inspect('GET', 'deliveries');
      expect(deliveries.body).toMatchObject([{ event: 'ONCRMDEALUPDATE', status: 200 }]);
      expect(receiver.bodies).toHaveLength(1);
      expect((await inspect('GET', 'items/2')).body).toMatchObject([{ stageId: 'EXECUTING', updatedBy: 9 }]);
    } finally {
      await receiver.close();
    }
  });

  it('simulates catalog edits in the UI: a product added with any xmlId, changed and deleted, with their events', async () => {
    const receiver = await startReceiver();
    try {
      await inspect('POST', 'outgoing-webhooks', {
        url: receiver.url,
        events: ['CATALOG.PRODUCT.ON.ADD', 'CATALOG.PRODUCT.ON.UPDATE', 'CATALOG.PRODUCT.ON.DELETE'],
      });
      const added = await inspect('POST', 'ui/products', { fields: { name: 'Stray', xmlId: 'guid-stray' } });
      const id = added.body.id as unknown as number;
      const changed = await inspect('PATCH', `ui/products/${id}`, { fields: { purchasingPrice: 12.5, active: 'N' } });
      expect(changed.body).toMatchObject({
        iblockId: 23,
        xmlId: 'guid-stray',
        purchasingPrice: '12.500000',
        active: 'N',
      });
      expect((await inspect('GET', 'products')).body).toMatchObject([{ id, purchasingPrice: '12.500000' }]);
      await inspect('DELETE', `ui/products/${id}`, { userId: 9 });
      await inspect('POST', 'deliveries/settle');

      expect((await inspect('GET', 'products')).body).toEqual([]);
      expect((await inspect('GET', 'deliveries')).body).toMatchObject([
        { event: 'CATALOG.PRODUCT.ON.ADD' },
        { event: 'CATALOG.PRODUCT.ON.UPDATE' },
        { event: 'CATALOG.PRODUCT.ON.DELETE' },
      ]);
      expect((await call(fake, 'catalog.product.get', { id })).body.error_description).toBe('product does not exist.');
      expect((await inspect('DELETE', `ui/products/${id}`)).status).toBe(400);
    } finally {
      await receiver.close();
    }
  });

  it('answers 404 for unknown routes and 400 for failing calls', async () => {
    expect((await inspect('GET', 'nothing')).status).toBe(404);
    const failing = await inspect('PATCH', 'ui/items/2/99', { fields: {} });
    expect(failing.status).toBe(400);
    expect(failing.body.error).toContain('NOT_FOUND');
  });
});
