import { IntegrationError } from '@app/core';
import {
  InMemoryCourierDirectory,
  InMemoryCrmItemGateway,
  InMemoryProductCatalogGateway,
  RecordingInboundPort,
} from './port-doubles';

describe('Bitrix24 port doubles', () => {
  it('upsert the same external id into the same entity, and fail on request', async () => {
    const crm = new InMemoryCrmItemGateway();
    const first = await crm.upsert({ kind: 'delivery', externalId: 'd-1', fields: { title: 'A' } });
    const second = await crm.upsert({ kind: 'delivery', externalId: 'd-1', fields: { title: 'B' } });
    expect([first.created, second.created, second.bitrixId]).toEqual([true, false, first.bitrixId]);
    crm.failures.push(new IntegrationError('transient', 'BITRIX24_TIMEOUT', 'no answer'));
    await expect(crm.upsert({ kind: 'company', externalId: 'c-1', fields: {} })).rejects.toMatchObject({
      kind: 'transient',
    });

    const catalog = new InMemoryProductCatalogGateway();
    const [one] = await catalog.upsertMany([{ externalId: 'p-1', fields: { name: 'Bread' } }]);
    expect(one).toMatchObject({ status: 'fulfilled', value: { created: true } });
  });

  it('record inbound changes and serve couriers', async () => {
    const inbound = new RecordingInboundPort();
    await inbound.apply({ kind: 'delivery', bitrixId: '5', deleted: false, fields: { title: 'X' }, source: 'webhook' });
    expect(inbound.changes).toHaveLength(1);
    const directory = new InMemoryCourierDirectory([
      { bitrixUserId: '7', externalId: 'c-7', active: true, fields: {} },
      { bitrixUserId: '8', active: true, fields: {} },
    ]);
    expect((await directory.listCouriers()).map((courier) => courier.bitrixUserId)).toEqual(['7']);
    expect(await directory.findByExternalId('c-7')).toMatchObject({ bitrixUserId: '7' });
  });
});
