import type { FakeOnecFile } from '@app/testing';
import { goodsFile, offersFile, PRICE_TYPE_ID, type SampleProduct, WAREHOUSE_ID } from './commerceml-samples';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

const A = '7c1f0000-0000-4000-8000-00000000000a';
const B = '7c1f0000-0000-4000-8000-00000000000b';
const C = '7c1f0000-0000-4000-8000-00000000000c';
const D = '7c1f0000-0000-4000-8000-00000000000d';

const PRODUCTS: SampleProduct[] = [
  { id: A, name: 'Вода питьевая 0,5 л' },
  { id: B, name: 'Сок яблочный 1 л', vat: '10' },
  { id: C, name: 'Квас 1,5 л' },
];

interface ProductState {
  onec_id: string;
  deleted: boolean;
  deactivated: boolean;
  change_tx: string;
}

describe('CommerceML packages into the mirror: full, partial, deletion marks, bad values', () => {
  let harness: MasterDataHarness;
  beforeAll(async () => {
    harness = await startMasterDataHarness({ worker: false });
  });
  afterAll(async () => harness?.close());

  const exchange = async (...files: FakeOnecFile[]) => {
    const result = await harness.onec().runCatalogExchange({ files, complete: true });
    expect(result.failure).toBeUndefined();
  };
  const products = async () =>
    harness.query<ProductState>(
      `SELECT onec_id, deleted, deactivated, change_tx FROM md_products WHERE parent_id IS NULL ORDER BY onec_id`,
    );
  const priceOf = async (id: string) =>
    (
      await harness.query<{ price: string; change_tx: string }>(
        'SELECT price, change_tx FROM md_prices WHERE product_id = $1',
        [id],
      )
    )[0];
  const announced = async () =>
    (
      await harness.query<{ subject: string }>(
        `SELECT subject FROM outbox_events WHERE destination = 'master-data.bitrix24' ORDER BY position`,
      )
    ).map((row) => row.subject);

  it('a full exchange creates goods, prices and stock with exact decimals and the 2026 VAT rate', async () => {
    await exchange(
      goodsFile(PRODUCTS, { full: true }),
      offersFile(
        [
          { id: A, price: '49.90', stock: '120' },
          { id: B, price: '129', stock: '-2.5' },
          { id: C, price: '0.01', stock: '0' },
        ],
        { full: true },
      ),
    );
    expect((await products()).map(({ onec_id, deleted, deactivated }) => ({ onec_id, deleted, deactivated }))).toEqual(
      [A, B, C].map((onec_id) => ({ onec_id, deleted: false, deactivated: false })),
    );
    expect(
      await harness.query(
        `SELECT p.onec_id, p.vat_rate, p.unit_id, pr.price, pr.currency, s.quantity, s.warehouse_id
           FROM md_products p JOIN md_prices pr ON pr.product_id = p.onec_id AND pr.price_type_id = $1
           JOIN md_stock s ON s.product_id = p.onec_id ORDER BY p.onec_id`,
        [PRICE_TYPE_ID],
      ),
    ).toEqual([
      {
        onec_id: A,
        vat_rate: '22',
        unit_id: '796',
        price: '49.90',
        currency: 'RUB',
        quantity: '120.000',
        warehouse_id: WAREHOUSE_ID,
      },
      {
        onec_id: B,
        vat_rate: '10',
        unit_id: '796',
        price: '129.00',
        currency: 'RUB',
        quantity: '-2.500',
        warehouse_id: WAREHOUSE_ID,
      },
      {
        onec_id: C,
        vat_rate: '22',
        unit_id: '796',
        price: '0.01',
        currency: 'RUB',
        quantity: '0.000',
        warehouse_id: WAREHOUSE_ID,
      },
    ]);
    expect(new Set(await announced())).toEqual(new Set([`products:${A}`, `products:${B}`, `products:${C}`]));
  });

  it('a partial package changing one price updates exactly that price and announces only its product', async () => {
    const before = await announced();
    const [priceB, priceC] = [await priceOf(B), await priceOf(C)];
    await exchange(
      offersFile(
        [
          { id: A, price: '52.00' },
          { id: B, price: '129.00' },
        ],
        { full: false },
      ),
    );
    expect((await priceOf(A)).price).toBe('52.00');
    expect(await priceOf(B)).toEqual(priceB);
    expect(await priceOf(C)).toEqual(priceC);
    expect((await announced()).slice(before.length)).toEqual([`products:${A}`]);
  });

  it("a package changing a product's price and its stock announces the product once", async () => {
    const before = await announced();
    await exchange(offersFile([{ id: B, price: '130.00', stock: '7' }], { full: false }));
    expect((await priceOf(B)).price).toBe('130.00');
    // And back, as the tests below expect it.
    await exchange(offersFile([{ id: B, price: '129', stock: '-2.5' }], { full: false }));
    expect((await priceOf(B)).price).toBe('129.00');
    expect((await announced()).slice(before.length)).toEqual([`products:${B}`, `products:${B}`]);
  });

  it('a deletion mark in a partial package marks the product deleted, and leaves the rest alone', async () => {
    const before = await products();
    await exchange(goodsFile([{ ...PRODUCTS[1], deleted: true }], { full: false }));
    const after = await products();
    expect(after.find((row) => row.onec_id === B)).toMatchObject({ deleted: true, deactivated: false });
    expect(after.filter((row) => row.onec_id !== B)).toEqual(before.filter((row) => row.onec_id !== B));
  });

  it('a partial package without a product leaves it alone; a full one without it deactivates it', async () => {
    await exchange(goodsFile([{ id: D, name: 'Морс клюквенный' }], { full: false }));
    expect((await products()).find((row) => row.onec_id === C)).toMatchObject({ deactivated: false });

    const before = await announced();
    await exchange(
      goodsFile([PRODUCTS[0], { ...PRODUCTS[1], deleted: true }, { id: D, name: 'Морс клюквенный' }], { full: true }),
    );
    const after = await products();
    expect(after.map(({ onec_id, deleted, deactivated }) => ({ onec_id, deleted, deactivated }))).toEqual([
      { onec_id: A, deleted: false, deactivated: false },
      { onec_id: B, deleted: true, deactivated: false },
      { onec_id: C, deleted: false, deactivated: true },
      { onec_id: D, deleted: false, deactivated: false },
    ]);
    expect((await announced()).slice(before.length)).toEqual([`products:${C}`]);

    // Back in a later full snapshot, it is active again.
    await exchange(
      goodsFile(
        [...PRODUCTS.slice(0, 1), { ...PRODUCTS[1], deleted: true }, PRODUCTS[2], { id: D, name: 'Морс клюквенный' }],
        { full: true },
      ),
    );
    expect((await products()).find((row) => row.onec_id === C)).toMatchObject({ deactivated: false });
  });

  it('mode=deactivate after a partial package deactivates the goods the exchange did not touch, and announces them', async () => {
    const E = '7c1f0000-0000-4000-8000-00000000000e';
    await exchange(
      goodsFile([PRODUCTS[0], PRODUCTS[2], { id: D, name: 'Морс клюквенный' }, { id: E, name: 'Лимонад' }], {
        full: true,
      }),
    );
    const before = await announced();
    const result = await harness.onec().runCatalogExchange({
      files: [goodsFile([PRODUCTS[0], { id: D, name: 'Морс клюквенный' }], { full: false })],
      deactivate: true,
      complete: true,
    });
    expect(result.failure).toBeUndefined();
    const active = (await products()).filter((row) => !row.deleted && [A, C, D, E].includes(row.onec_id));
    expect(active.map(({ onec_id, deactivated }) => ({ onec_id, deactivated }))).toEqual([
      { onec_id: A, deactivated: false },
      { onec_id: C, deactivated: true },
      { onec_id: D, deactivated: false },
      { onec_id: E, deactivated: true },
    ]);
    expect((await announced()).slice(before.length).sort()).toEqual([`products:${C}`, `products:${E}`]);
  });

  it('bad values reject only their row: counted on /metrics, the rest of the package applied', async () => {
    const rejectedBefore = await rejectedCount(harness);
    await exchange(
      offersFile(
        [
          { id: A, price: '-1.00', stock: '7' },
          { id: B, price: '10.005', stock: '1.0001' },
          { id: C, price: '61.00', stock: '3', priceTypeId: '5e0a3a40-0000-4000-8000-00000000ffff' },
          { id: D, price: '75.00', stock: '4' },
        ],
        { full: false },
      ),
    );
    expect((await priceOf(A)).price).toBe('52.00');
    expect((await priceOf(D)).price).toBe('75.00');
    expect(
      await harness.query(`SELECT product_id, quantity FROM md_stock WHERE product_id = ANY($1) ORDER BY product_id`, [
        [A, B, C, D],
      ]),
    ).toEqual([
      { product_id: A, quantity: '7.000' },
      { product_id: B, quantity: '-2.500' },
      { product_id: C, quantity: '3.000' },
      { product_id: D, quantity: '4.000' },
    ]);
    // A negative price, a price with three decimals, a quantity with four, and a price of an unknown type.
    expect((await rejectedCount(harness)) - rejectedBefore).toBe(4);
  });
});

async function rejectedCount(harness: MasterDataHarness): Promise<number> {
  const response = await fetch(`${harness.middleware.api.url}/metrics`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('master_data_rows_total{') && line.includes('outcome="rejected"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
