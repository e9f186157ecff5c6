import { IntegrationError } from '@app/core';
import {
  BITRIX24_CONTRACT_SETUP,
  describeCourierDirectoryContract,
  describeCrmItemGatewayContract,
  describeProductCatalogGatewayContract,
  describeRemoteEntityDirectoryContract,
} from './bitrix24-ports.contract';
import {
  InMemoryCourierDirectory,
  InMemoryCrmItemGateway,
  InMemoryProductCatalogGateway,
  InMemoryRemoteEntityDirectory,
} from './port-doubles';

// The same contracts run against the real adapters in test/bitrix24/port-contracts.e2e-spec.ts.
describe('Bitrix24 port doubles', () => {
  let crm: InMemoryCrmItemGateway;
  let catalog: InMemoryProductCatalogGateway;
  let couriers: InMemoryCourierDirectory;
  let directory: InMemoryRemoteEntityDirectory;
  beforeEach(() => {
    crm = new InMemoryCrmItemGateway(BITRIX24_CONTRACT_SETUP);
    catalog = new InMemoryProductCatalogGateway(BITRIX24_CONTRACT_SETUP);
    couriers = new InMemoryCourierDirectory(BITRIX24_CONTRACT_SETUP);
    directory = new InMemoryRemoteEntityDirectory(BITRIX24_CONTRACT_SETUP, crm, catalog);
  });

  describeCrmItemGatewayContract('InMemoryCrmItemGateway', () => crm);
  describeProductCatalogGatewayContract('InMemoryProductCatalogGateway', () => catalog);
  describeCourierDirectoryContract('InMemoryCourierDirectory', () => ({
    directory: couriers,
    seed: (seeded) => couriers.couriers.push(...seeded),
  }));
  describeRemoteEntityDirectoryContract('InMemoryRemoteEntityDirectory', () => ({
    directory,
    crm,
    catalog,
    addRemote: (kind, fields, externalId) => Promise.resolve(directory.addRemote(kind, fields, externalId)),
  }));

  it('let a domain test inject drift: edits and deletions in Bitrix24', async () => {
    const [product] = await catalog.upsertMany([{ externalId: 'p-1', fields: { name: 'Bread', active: true } }]);
    const bitrixId = product.status === 'fulfilled' ? product.value.bitrixId : '';
    directory.editRemote('contract_product', bitrixId, { name: 'Edited in Bitrix24' });
    const [edited] = (await directory.list('contract_product')).items;
    expect(directory.drift(edited, { name: 'Bread', active: true })).toEqual(['name']);

    directory.deleteRemote('contract_product', bitrixId);
    expect((await directory.list('contract_product')).items).toEqual([]);
    await expect(directory.updateById('contract_product', bitrixId, { active: false })).rejects.toMatchObject({
      code: 'BITRIX24_NOT_FOUND',
    });
  });

  it('adopt an item made in Bitrix24 as the real adapter does: once ours, upserts update it', async () => {
    const bitrixId = crm.addForeign('contract_company', { name: 'Made in the portal' });
    const adopt = { kind: 'contract_company', externalId: 'c-9', fields: {}, adoptBitrixId: bitrixId };
    await expect(crm.upsert(adopt)).resolves.toEqual({
      kind: 'contract_company',
      externalId: 'c-9',
      bitrixId,
      created: false,
    });
    await expect(crm.upsert(adopt)).resolves.toMatchObject({ bitrixId, created: false });
    await expect(
      crm.upsert({ kind: 'contract_company', externalId: 'c-9', fields: { name: 'Ours' } }),
    ).resolves.toMatchObject({ bitrixId, created: false });
    expect(crm.items.get('contract_company:c-9')?.fields).toEqual({ name: 'Ours' });
    expect(crm.foreign.size).toBe(0);
    await expect(crm.upsert({ ...adopt, externalId: 'c-10' })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'BITRIX24_ADOPT_CONFLICT',
    });
    const carrying = crm.addForeign('contract_company', {}, 'theirs-1');
    await expect(crm.upsert({ ...adopt, externalId: 'c-11', adoptBitrixId: carrying })).rejects.toMatchObject({
      code: 'BITRIX24_ADOPT_CONFLICT',
    });
    await expect(crm.upsert({ ...adopt, externalId: 'c-12', adoptBitrixId: '999' })).rejects.toMatchObject({
      code: 'BITRIX24_NOT_FOUND',
    });
  });

  it('fail on request, before anything else', async () => {
    crm.failures.push(new IntegrationError('transient', 'BITRIX24_TIMEOUT', 'no answer'));
    await expect(crm.upsert({ kind: 'contract_company', externalId: 'c-1', fields: {} })).rejects.toMatchObject({
      kind: 'transient',
    });
    expect(crm.items.size).toBe(0);
  });

  it('refuse as the real adapters do when nothing is mapped', async () => {
    const unmapped = { kinds: BITRIX24_CONTRACT_SETUP.kinds, mapping: { entities: {} } };
    const [product] = await new InMemoryProductCatalogGateway(unmapped).upsertMany([{ externalId: 'p', fields: {} }]);
    expect(product).toMatchObject({ status: 'rejected', reason: { kind: 'unavailable', code: 'BITRIX24_NOT_MAPPED' } });
    await expect(new InMemoryCourierDirectory(unmapped).listCouriers()).rejects.toMatchObject({
      code: 'BITRIX24_NOT_MAPPED',
    });
  });
});
