import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBitrix24 } from './fake-bitrix24';
import { call, fixtureJson, list, shape } from './spec-helpers';

describe('FakeBitrix24 crm.item.productrow over HTTP', () => {
  let fake: FakeBitrix24;
  let owner: number;
  const ownerType = `T${(1036).toString(16)}`;

  beforeEach(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: [{ entityTypeId: 1036, categories: [{ id: 12 }] }] });
    const added = await call(fake, 'crm.item.add', { entityTypeId: 1036, fields: { title: 'Delivery' } });
    owner = Number(added.body.result.item.id);
  });
  afterEach(() => fake.stop());

  const rows = [
    { productName: 'Вода 0,5 л', price: '49.90', quantity: '2.000', taxRate: '22', taxIncluded: 'Y', measureCode: 796 },
    { productName: 'Сок, кг', price: '312.50', quantity: '0.375', taxRate: '10', taxIncluded: 'Y', measureCode: 166 },
  ];

  it('sets rows with the keys and types of the recorded crm.item.productrow.list, and lists them back', async () => {
    const set = await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: rows });
    expect(set.status).toBe(200);
    const recorded = fixtureJson('responses-fast_bitrix24/crm_item_productrow_list.json').result.result.cmd0000000000
      .productRows[0];
    const [first, second] = list(set.body.result.productRows);
    expect(Object.keys(first)).toEqual(Object.keys(recorded));
    expect(shape({ ...first, taxRate: null })).toEqual(shape(recorded));
    expect(first).toMatchObject({
      ownerId: owner,
      ownerType,
      price: 49.9,
      quantity: 2,
      taxRate: 22,
      measureName: 'шт',
    });
    expect(second).toMatchObject({ quantity: 0.375, taxRate: 10, measureName: 'кг' });

    const listed = await call(fake, 'crm.item.productrow.list', {
      filter: { '=ownerType': ownerType, '=ownerId': owner },
    });
    expect(listed.body.result.productRows).toEqual(set.body.result.productRows);
    expect(fake.productRows(1036, owner)).toHaveLength(2);
  });

  it('replaces all rows of the owner, and an empty set clears them', async () => {
    await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: rows });
    await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: [rows[1]] });
    expect(fake.productRows(1036, owner).map((row) => row.productName)).toEqual(['Сок, кг']);
    await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: [] });
    expect(fake.productRows(1036, owner)).toEqual([]);
  });

  it('rejects the whole set for one invalid row, and an unknown owner or owner type', async () => {
    await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: rows });
    const bad = await call(fake, 'crm.item.productrow.set', {
      ownerType,
      ownerId: owner,
      productRows: [rows[0], { price: '1', quantity: '1' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_ARG_VALUE');
    expect(fake.productRows(1036, owner)).toHaveLength(2);

    const noOwner = await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: 999, productRows: rows });
    expect(noOwner.body.error).toBe('OWNER_NOT_FOUND');
    const noType = await call(fake, 'crm.item.productrow.set', { ownerType: 'X', ownerId: owner, productRows: rows });
    expect(noType.body.error).toBe('ENTITY_TYPE_NOT_SUPPORTED');
  });

  it('pages crm.item.productrow.list by 50 with next and total, in sort order, and needs both owner filters', async () => {
    const many = Array.from({ length: 51 }, (_, index) => ({
      productName: `Line ${index}`,
      price: '1',
      quantity: '1',
      sort: 1000 - index,
    }));
    await call(fake, 'crm.item.productrow.set', { ownerType, ownerId: owner, productRows: many });
    const filter = { '=ownerType': ownerType, '=ownerId': owner };
    const first = await call(fake, 'crm.item.productrow.list', { filter });
    expect([list(first.body.result.productRows).length, first.body.total, first.body.next]).toEqual([50, 51, 50]);
    expect(first.body.result.productRows[0].productName).toBe('Line 50');
    const second = await call(fake, 'crm.item.productrow.list', { filter, start: 50 });
    expect(list(second.body.result.productRows).map((row) => row.productName)).toEqual(['Line 0']);
    expect(second.body).not.toHaveProperty('next');

    const other = await call(fake, 'crm.item.productrow.list', { filter: { ...filter, '=ownerId': owner + 1 } });
    expect(list(other.body.result.productRows)).toEqual([]);
    const unfiltered = await call(fake, 'crm.item.productrow.list', { filter: { '=ownerType': ownerType } });
    expect(unfiltered.status).toBe(400);
  });

  it('saves the lines a courier adds with a new item before its add event goes out', async () => {
    // A receiver that asks for the rows the moment the event reaches it, as the middleware's webhook would.
    const seen: number[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = fake.items(1036).at(-1)!.id;
        void call(fake, 'crm.item.productrow.list', { filter: { '=ownerType': ownerType, '=ownerId': id } }).then(
          (answer) => {
            seen.push(list(answer.body.result.productRows).length);
            res.end('OK');
          },
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      fake.addOutgoingWebhook({ url: `http://127.0.0.1:${port}/`, events: ['ONCRMDYNAMICITEMADD'] });
      const item = fake.uiAddItem(
        1036,
        { title: 'Sold on the doorstep' },
        { userId: 7, productRows: [{ ...rows[0], productId: 12, discountSum: '5.1' }, rows[1]] },
      );
      await fake.settleDeliveries();
      expect(seen).toEqual([2]);
      expect(fake.productRows(1036, Number(item.id))[0]).toMatchObject({
        productId: 12,
        price: 49.9,
        discountSum: 5.1,
        discountTypeId: 1,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
