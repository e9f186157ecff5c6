import { randomUUID } from 'node:crypto';
import { waitFor } from '@app/testing';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

/** A GUID per number, so the tests can name rows without a table of constants. */
const guid = (n: number) => `0a4f3b1e-0000-4000-8000-${n.toString().padStart(12, '0')}`;

const UNIT = '796';
const DRINKS = guid(1);
const WATER = guid(2);
const RETAIL = guid(10);
const WHOLESALE = guid(11);
const MAIN_STORE = guid(20);
const VAN = guid(21);
const CASH_DESK = guid(30);
const COURIER = guid(31);
const ACME = guid(40);
const VARIANT_OF = (product: string, n: number) => `${product}#${guid(900_000 + n)}`;
/** The 1,000 products of the batch: guid(100_000 + i). */
const PRODUCT = (i: number) => guid(100_000 + i);

interface ItemResult {
  index: number;
  id: string | null;
  status: string;
  rowId?: string;
  errors?: { path: string; code: string; message: string }[];
}
interface BatchAnswer {
  results: ItemResult[];
  counts: Record<string, number>;
}
interface Row extends Record<string, unknown> {
  id: string;
  onecId: string;
  deleted: boolean;
  active: boolean;
}
interface Page {
  items: Row[];
  nextCursor?: string;
  resumeCursor?: string;
}

function product(i: number, overrides: Record<string, unknown> = {}) {
  return {
    id: PRODUCT(i),
    version: '1',
    name: `Вода питьевая ${i}`,
    article: `ART-${i}`,
    barcodes: [`46${String(i).padStart(11, '0')}`],
    unitId: UNIT,
    groupIds: [i % 2 === 0 ? DRINKS : WATER],
    vatRate: '22',
    weight: '0.5',
    // Enough text that 1,000 items need more than the default 1 MiB body limit.
    description: 'Природная питьевая вода из артезианской скважины. '.repeat(30),
    ...overrides,
  };
}

describe('the master-data JSON API', () => {
  let harness: MasterDataHarness;

  const put = (kind: string, items: unknown[], options: { role?: '1c' | 'admin' | 'courier'; key?: string } = {}) =>
    harness.call('PUT', `/api/v1/master-data/${kind}`, {
      role: options.role ?? '1c',
      courierId: options.role === 'courier' ? COURIER : undefined,
      body: { items },
      idempotencyKey: options.key ?? randomUUID(),
    });
  /**
   * Lists show a change once every transaction older than it has ended, in the whole cluster (other test files
   * share it): wait for the transactions running now to end, so that the writes made so far are all listed.
   */
  const settled = async () => {
    const [{ horizon }] = await harness.query<{ horizon: string }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS horizon`,
    );
    await waitFor(
      async () =>
        (
          await harness.query<{ done: boolean }>(
            `SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::text::xid8 AS done`,
            [horizon],
          )
        )[0].done,
      { what: 'the transactions running before the read to end' },
    );
  };
  const get = async (path: string, role: '1c' | 'admin' | 'courier' = '1c') => {
    await settled();
    return harness.call('GET', `/api/v1/master-data/${path}`, {
      role,
      courierId: role === 'courier' ? COURIER : undefined,
    });
  };
  const count = async (sql: string, parameters: unknown[] = []) =>
    (await harness.query<{ n: number }>(sql, parameters))[0].n;
  const changeEvents = () =>
    count(`SELECT count(*)::int AS n FROM outbox_events WHERE destination = 'master-data.bitrix24'`);
  /** What a refused request must leave alone. */
  const mirrorDigest = async () =>
    harness.query<Record<string, unknown>>(
      `SELECT (SELECT count(*) FROM md_products)::int AS products, (SELECT max(updated_at) FROM md_products) AS touched,
              (SELECT count(*) FROM outbox_events)::int AS events,
              (SELECT coalesce(sum(received), 0) FROM md_feed_cursors)::int AS received`,
    );

  beforeAll(async () => {
    harness = await startMasterDataHarness({ worker: false });
    const setup: [string, unknown[]][] = [
      ['units', [{ id: UNIT, version: 1, code: UNIT, name: 'шт', fullName: 'Штука' }]],
      [
        'product-groups',
        [
          { id: DRINKS, version: 1, name: 'Напитки' },
          { id: WATER, version: 1, name: 'Вода', parentId: DRINKS },
        ],
      ],
      [
        'price-types',
        [
          { id: RETAIL, version: 1, name: 'Розничная', currency: 'rub', vatIncluded: true },
          { id: WHOLESALE, version: 1, name: 'Оптовая', currency: 'RUB' },
        ],
      ],
      [
        'warehouses',
        [
          { id: MAIN_STORE, version: 1, name: 'Основной склад' },
          { id: VAN, version: 1, name: 'Машина курьера' },
        ],
      ],
      ['cash-desks', [{ id: CASH_DESK, version: 1, name: 'Касса курьеров', organizationInn: '7707083893' }]],
      [
        'couriers',
        [{ id: COURIER, version: 1, name: 'Иванов Иван', warehouseId: VAN, cashDeskId: CASH_DESK, bitrixUserId: '17' }],
      ],
      [
        'counterparties',
        [
          {
            id: ACME,
            version: 1,
            type: 'organization',
            name: 'ООО «Ромашка»',
            inn: '7707083893',
            kpp: '773601001',
            phones: ['+7 495 000-00-00'],
            emails: ['info@example.ru'],
            addresses: [{ type: 'Юридический адрес', presentation: 'Москва, ул. Ленина, 1' }],
          },
          { id: guid(41), version: 1, type: 'person', name: 'Петров Пётр', inn: '500100732259' },
        ],
      ],
    ];
    for (const [kind, items] of setup) {
      const answer = await put(kind, items);
      expect({ kind, status: answer.status, counts: (answer.body as BatchAnswer).counts }).toEqual({
        kind,
        status: 200,
        counts: { created: items.length, updated: 0, unchanged: 0, rejected: 0 },
      });
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe('a batch of 1,000 products with 3 invalid ones', () => {
    const key = randomUUID();
    const items = Array.from({ length: 1000 }, (_, i) => product(i));
    items[10] = product(10, { id: 'not-a-guid' });
    items[500] = product(500, { groupIds: [guid(999)] });
    items[999] = product(999, { weight: '0.1235' });
    let first: Awaited<ReturnType<MasterDataHarness['call']>>;

    it('applies the 997 valid ones and rejects the 3 with their paths and reasons', async () => {
      const eventsBefore = await changeEvents();
      first = await put('products', items, { key });
      expect(first.status).toBe(200);
      const answer = first.body as BatchAnswer;
      expect(answer.counts).toEqual({ created: 997, updated: 0, unchanged: 0, rejected: 3 });
      expect(answer.results.map((result) => result.index)).toEqual(items.map((_, index) => index));
      expect(answer.results[0]).toEqual({ index: 0, id: PRODUCT(0), status: 'created', rowId: expect.any(String) });
      expect(answer.results.filter((result) => result.status === 'rejected')).toEqual([
        {
          index: 10,
          id: null,
          status: 'rejected',
          errors: [{ path: 'items.10.id', code: 'INVALID_FIELD', message: expect.stringMatching(/GUID/) }],
        },
        {
          index: 500,
          id: PRODUCT(500),
          status: 'rejected',
          errors: [
            {
              path: 'items.500.groupIds.0',
              code: 'UNKNOWN_REFERENCE',
              message: `no product-groups with id ${guid(999)} in the mirror`,
            },
          ],
        },
        {
          index: 999,
          id: PRODUCT(999),
          status: 'rejected',
          errors: [
            { path: 'items.999.weight', code: 'INVALID_FIELD', message: 'weight has more than 3 decimal places' },
          ],
        },
      ]);

      expect(await count(`SELECT count(*)::int AS n FROM md_products`)).toBe(997);
      expect(
        await count(`SELECT count(*)::int AS n FROM md_products WHERE onec_id = ANY($1)`, [
          [PRODUCT(500), PRODUCT(999)],
        ]),
      ).toBe(0);
      // One event per product, each on the product's own subject.
      expect((await changeEvents()) - eventsBefore).toBe(997);
      const [stored] = await harness.query<Record<string, unknown>>(
        `SELECT version, version_seq, weight, barcodes, group_ids, unit_id, vat_rate, parent_id, source
           FROM md_products WHERE onec_id = $1`,
        [PRODUCT(1)],
      );
      expect(stored).toEqual({
        version: '1',
        version_seq: '1',
        weight: '0.500',
        barcodes: ['4600000000001'],
        group_ids: [WATER],
        unit_id: UNIT,
        vat_rate: '22',
        parent_id: null,
        source: 'api',
      });
    });

    it('replays the same answer for the same Idempotency-Key and changes nothing', async () => {
      const before = await mirrorDigest();
      const replay = await put('products', items, { key });
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(await mirrorDigest()).toEqual(before);
    });

    it('answers an unchanged item as unchanged, without a write or an event', async () => {
      const before = await mirrorDigest();
      const again = await put('products', [product(1, { version: '2' })]);
      expect(again.body).toEqual({
        results: [{ index: 0, id: PRODUCT(1), status: 'unchanged' }],
        counts: { created: 0, updated: 0, unchanged: 1, rejected: 0 },
      });
      const after = await mirrorDigest();
      expect({ ...after[0], received: undefined }).toEqual({ ...before[0], received: undefined });
    });
  });

  it('refuses stale versions per item: older, or the same version with other content', async () => {
    const id = PRODUCT(2);
    const eventsBefore = await changeEvents();
    const answer = await put('products', [
      product(2, { version: '5', name: 'Вода 5' }),
      product(3, { version: 0, name: 'Вода 3 без версии' }),
    ]);
    expect((answer.body as BatchAnswer).results.map((result) => result.status)).toEqual(['updated', 'rejected']);
    expect((answer.body as BatchAnswer).results[1].errors).toEqual([
      { path: 'items.1.version', code: 'STALE_VERSION', message: expect.stringContaining('older') },
    ]);

    for (const stale of [product(2, { version: 4, name: 'Вода 4' }), product(2, { version: '5', name: 'Другая' })]) {
      const refused = await put('products', [stale]);
      expect((refused.body as BatchAnswer).results).toEqual([
        { index: 0, id, status: 'rejected', errors: [expect.objectContaining({ code: 'STALE_VERSION' })] },
      ]);
    }
    const newer = await put('products', [product(2, { version: '18446744073', name: 'Вода новая' })]);
    expect((newer.body as BatchAnswer).results[0].status).toBe('updated');
    expect((await get(`products/${id}`)).body).toMatchObject({ name: 'Вода новая', version: '18446744073' });
    expect((await changeEvents()) - eventsBefore).toBe(2);
  });

  it('validates each item on its own: decimals, references, unknown fields, unstorable text', async () => {
    const answer = await put('prices', [
      { productId: PRODUCT(0), priceTypeId: RETAIL, price: '1719.5', version: 1 },
      { productId: PRODUCT(0), priceTypeId: WHOLESALE, price: '-1.00', version: 1 },
      { productId: PRODUCT(1), priceTypeId: RETAIL, price: '10.005', version: 1 },
      { productId: PRODUCT(1), priceTypeId: WHOLESALE, price: 10.5, version: 1 },
      { productId: PRODUCT(2), priceTypeId: guid(12), price: '1.00', version: 1 },
      { productId: PRODUCT(3), priceTypeId: RETAIL, price: '1.00', version: 1, discount: '5' },
      { productId: PRODUCT(3), priceTypeId: WHOLESALE, price: '1.00', version: 1, unit: 'шт\u0000' },
      { productId: PRODUCT(3), priceTypeId: RETAIL, price: '2.00', version: '01' },
      { productId: VARIANT_OF(PRODUCT(4), 1), priceTypeId: RETAIL, price: '99999999999.99', version: '3' },
    ]);
    expect(answer.status).toBe(200);
    const results = (answer.body as BatchAnswer).results;
    expect(results.map((result) => [result.id, result.status])).toEqual([
      [`${PRODUCT(0)}|${RETAIL}`, 'created'],
      [`${PRODUCT(0)}|${WHOLESALE}`, 'rejected'],
      [`${PRODUCT(1)}|${RETAIL}`, 'rejected'],
      [`${PRODUCT(1)}|${WHOLESALE}`, 'rejected'],
      [`${PRODUCT(2)}|${guid(12)}`, 'rejected'],
      [`${PRODUCT(3)}|${RETAIL}`, 'rejected'],
      [`${PRODUCT(3)}|${WHOLESALE}`, 'rejected'],
      [`${PRODUCT(3)}|${RETAIL}`, 'rejected'],
      [`${VARIANT_OF(PRODUCT(4), 1)}|${RETAIL}`, 'created'],
    ]);
    expect(
      results.map((result) => result.errors?.map(({ path, code, message }) => `${path} ${code}: ${message}`)),
    ).toEqual([
      undefined,
      ['items.1.price INVALID_FIELD: price must not be negative'],
      ['items.2.price INVALID_FIELD: price has more than 2 decimal places'],
      ['items.3.price INVALID_FIELD: price must be a decimal number in a string, e.g. "1719.50"'],
      [`items.4.priceTypeId UNKNOWN_REFERENCE: no price-types with id ${guid(12)} in the mirror`],
      ['items.5.discount INVALID_FIELD: property discount should not exist'],
      [expect.stringMatching(/^items\.6\.unit INVALID_FIELD: .*cannot be stored/)],
      [expect.stringMatching(/^items\.7\.version INVALID_FIELD: version must be a non-negative integer/)],
      undefined,
    ]);
    const prices = await harness.query<{ onec_id: string; price: string; currency: string }>(
      `SELECT onec_id, price, currency FROM md_prices ORDER BY price`,
    );
    expect(prices).toEqual([
      { onec_id: `${PRODUCT(0)}|${RETAIL}`, price: '1719.50', currency: 'RUB' },
      { onec_id: `${VARIANT_OF(PRODUCT(4), 1)}|${RETAIL}`, price: '99999999999.99', currency: 'RUB' },
    ]);

    const stock = await put('stock', [
      { productId: PRODUCT(0), warehouseId: MAIN_STORE, quantity: '-2.5', version: 1 },
      { productId: PRODUCT(0), warehouseId: VAN, quantity: '12', version: 1 },
      { productId: PRODUCT(1), quantity: '7.125', version: 1 },
      { productId: PRODUCT(1), warehouseId: VAN, quantity: '1.0001', version: 1 },
    ]);
    expect((stock.body as BatchAnswer).results.map((result) => [result.id, result.status])).toEqual([
      [`${PRODUCT(0)}|${MAIN_STORE}`, 'created'],
      [`${PRODUCT(0)}|${VAN}`, 'created'],
      [`${PRODUCT(1)}|*`, 'created'],
      [`${PRODUCT(1)}|${VAN}`, 'rejected'],
    ]);
    const levels = ((await get(`stock?product=${PRODUCT(0)}`)).body as Page).items;
    expect(levels.map((row) => [row.warehouseId, row.quantity]).sort()).toEqual([
      [MAIN_STORE, '-2.500'],
      [VAN, '12.000'],
    ]);
  });

  it('rejects the same id twice in one batch, applying its first occurrence', async () => {
    const answer = await put('warehouses', [
      { id: guid(22), version: 1, name: 'Склад 22' },
      { id: guid(22), version: 2, name: 'Склад 22 bis' },
    ]);
    expect((answer.body as BatchAnswer).results).toEqual([
      { index: 0, id: guid(22), status: 'created', rowId: expect.any(String) },
      {
        index: 1,
        id: guid(22),
        status: 'rejected',
        errors: [{ path: 'items.1.id', code: 'DUPLICATE_IN_BATCH', message: expect.any(String) }],
      },
    ]);
  });

  describe('DELETE', () => {
    it('marks deleted, announces it, hides the row from default lists, and is idempotent', async () => {
      const id = PRODUCT(6);
      const eventsBefore = await changeEvents();
      const deleted = await harness.call('DELETE', `/api/v1/master-data/products/${id}`, { role: '1c' });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({
        status: 'updated',
        item: { onecId: id, deleted: true, active: false, version: '1', name: 'Вода питьевая 6' },
      });
      expect(await changeEvents()).toBe(eventsBefore + 1);
      expect(
        await harness.query(
          `SELECT subject, data FROM outbox_events WHERE destination = 'master-data.bitrix24' ORDER BY position DESC LIMIT 1`,
        ),
      ).toEqual([{ subject: `products:${id}`, data: { kind: 'products', onecId: id } }]);

      expect(((await get(`products?product=${id}`)).body as Page).items).toEqual([]);
      const withDeleted = (await get(`products?include_deleted=true&product=${id}`)).body as Page;
      expect(withDeleted.items).toEqual([expect.objectContaining({ onecId: id, deleted: true, active: false })]);

      const again = await harness.call(
        'DELETE',
        `/api/v1/master-data/products/${(deleted.body as { item: Row }).item.id}`,
        {
          role: '1c',
        },
      );
      expect(again.body).toMatchObject({ status: 'unchanged', item: { onecId: id, deleted: true } });
      expect(await changeEvents()).toBe(eventsBefore + 1);

      // Only a newer version from 1C brings it back.
      const revived = await put('products', [product(6, { version: '2' })]);
      expect((revived.body as BatchAnswer).results[0].status).toBe('updated');
      expect((await get(`products/${id}`)).body).toMatchObject({ deleted: false, active: true });
    });

    it('answers 404 problem+json for an unknown record', async () => {
      const answer = await harness.call('DELETE', `/api/v1/master-data/products/${guid(123_456)}`, { role: '1c' });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'MASTER_DATA_NOT_FOUND' });
    });
  });

  describe('reads', () => {
    it('walks every row exactly once in change order', async () => {
      const expected = await harness.query<{ onec_id: string }>(
        `SELECT onec_id FROM md_products WHERE NOT deleted AND NOT deactivated`,
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await get(`products?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body as Page;
        seen.push(...page.items.map((row) => row.onecId));
        cursor = page.nextCursor;
      } while (cursor !== undefined && seen.length <= expected.length);
      expect(seen.length).toBe(expected.length);
      expect(new Set(seen)).toEqual(new Set(expected.map((row) => row.onec_id)));
    });

    it('continues from a kept cursor with exactly the rows changed after it', async () => {
      let cursor: string | undefined;
      let page: Page;
      do {
        page = (await get(`products?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body as Page;
        cursor = page.nextCursor ?? cursor;
      } while (page.nextCursor !== undefined);
      const kept = cursor!;
      const lastSeen = page.items[page.items.length - 1];
      const lastPage = ((await get(`products?limit=200&cursor=${kept}`)).body as Page).items.map((row) => row.onecId);
      expect(lastPage).toContain(lastSeen.onecId);

      await put('products', [product(8, { version: '2', name: 'Вода изменённая' })]);
      const after = (await get(`products?cursor=${kept}&limit=200`)).body as Page;
      expect(after.items.map((row) => row.onecId)).toEqual([...lastPage.filter((id) => id !== PRODUCT(8)), PRODUCT(8)]);
    });

    it("resumes polling from the last page's resumeCursor with exactly the rows changed since", async () => {
      let cursor: string | undefined;
      let page: Page;
      do {
        page = (await get(`products?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body as Page;
        cursor = page.nextCursor;
      } while (page.nextCursor !== undefined);
      const resume = page.resumeCursor!;
      expect((await get(`products?cursor=${resume}`)).body).toEqual({ items: [], resumeCursor: resume });

      await put('products', [product(9, { version: '2', name: 'Вода снова изменённая' })]);
      await settled();
      const changed = (await get(`products?cursor=${resume}`)).body as Page;
      expect(changed.items.map((row) => row.onecId)).toEqual([PRODUCT(9)]);
      expect(changed.resumeCursor).not.toBe(resume);
    });

    it('filters by group, product, price type, warehouse, INN and search', async () => {
      const ids = async (path: string) => ((await get(path)).body as Page).items.map((row) => row.onecId);
      await put('products', [
        {
          id: VARIANT_OF(PRODUCT(4), 1),
          version: 1,
          name: 'Вода 4, 0,5 л',
          characteristics: [{ name: 'Объём', value: '0,5 л' }],
        },
        { id: VARIANT_OF(PRODUCT(4), 2), version: 1, name: 'Вода 4, 1,5 л', article: 'VAR-4-2' },
      ]);

      const water = await ids(`products?group=${WATER}&limit=200`);
      expect(water.length).toBe(200);
      expect(water.every((id) => Number(id.slice(-6)) % 2 === 1)).toBe(true);
      expect(await ids(`product-groups?group=${DRINKS}`)).toEqual([WATER]);
      expect(new Set(await ids(`products?product=${PRODUCT(4)}`))).toEqual(
        new Set([PRODUCT(4), VARIANT_OF(PRODUCT(4), 1), VARIANT_OF(PRODUCT(4), 2)]),
      );
      expect(await ids(`prices?product=${PRODUCT(4)}`)).toEqual([`${VARIANT_OF(PRODUCT(4), 1)}|${RETAIL}`]);
      expect(await ids(`prices?price_type=${WHOLESALE}`)).toEqual([]);
      expect(await ids(`stock?warehouse=${VAN}`)).toEqual([`${PRODUCT(0)}|${VAN}`]);
      expect(await ids(`couriers?warehouse=${VAN}`)).toEqual([COURIER]);
      expect(await ids(`counterparties?inn=7707083893`)).toEqual([ACME]);
      expect(await ids(`products?search=VAR-4-2`)).toEqual([VARIANT_OF(PRODUCT(4), 2)]);
      expect(await ids(`products?search=4600000000013`)).toEqual([PRODUCT(13)]);
      expect(await ids(`products?search=${encodeURIComponent('вода питьевая 998')}`)).toEqual([PRODUCT(998)]);
      expect(await ids(`counterparties?search=${encodeURIComponent('ромашк')}`)).toEqual([ACME]);
      expect(await ids(`products?search=${encodeURIComponent('100%_')}`)).toEqual([]);

      for (const [path, names] of [
        [`prices?group=${DRINKS}`, 'group'],
        ['products?inn=7707083893', 'inn'],
        ['stock?search=x', 'search'],
        [`units?price_type=${RETAIL}&warehouse=${VAN}`, 'price_type'],
      ]) {
        const refused = await get(path);
        expect({ path, status: refused.status }).toEqual({ path, status: 400 });
        expect(refused.body).toMatchObject({
          code: 'MASTER_DATA_FILTER_NOT_APPLICABLE',
          errors: expect.arrayContaining([expect.objectContaining({ path: names })]),
        });
      }
    });

    it('shows one row by our id or 1C id, a product with its variants, decimals as strings', async () => {
      const byOnecId = await get(`products/${PRODUCT(4)}`);
      expect(byOnecId.status).toBe(200);
      const row = byOnecId.body as Row & { variants: Row[] };
      expect(row).toMatchObject({
        onecId: PRODUCT(4),
        version: '1',
        deleted: false,
        active: true,
        bitrixId: null,
        origin: 'goods',
        parentId: null,
        characteristicId: null,
        weight: '0.500',
        vatRate: '22',
        groupIds: [DRINKS],
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(row.variants.map((variant) => [variant.onecId, variant.parentId, variant.characteristicId])).toEqual(
        expect.arrayContaining([
          [VARIANT_OF(PRODUCT(4), 1), PRODUCT(4), guid(900_001)],
          [VARIANT_OF(PRODUCT(4), 2), PRODUCT(4), guid(900_002)],
        ]),
      );
      expect((await get(`products/${row.id}`)).body).toEqual(row);
      const variant = (await get(`products/${encodeURIComponent(VARIANT_OF(PRODUCT(4), 1))}`)).body as Row;
      expect(variant).toMatchObject({ characteristics: [{ name: 'Объём', value: '0,5 л' }] });
      expect(variant.variants).toBeUndefined();
      expect((await get(`prices/${encodeURIComponent(`${PRODUCT(0)}|${RETAIL}`)}`)).body).toMatchObject({
        price: '1719.50',
        currency: 'RUB',
      });
      expect((await get(`price-types/${RETAIL}`)).body).toMatchObject({ currency: 'RUB', vatIncluded: true });
      const missing = await get(`products/${guid(777_777)}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('shows each feed with its counts and lag', async () => {
      const answer = await harness.call('GET', '/api/v1/master-data/cursors', { role: 'admin' });
      expect(answer.status).toBe(200);
      const feeds = (answer.body as { items: Record<string, unknown>[] }).items;
      expect(feeds.find((feed) => feed.kind === 'products' && feed.source === 'api')).toEqual({
        kind: 'products',
        source: 'api',
        lastVersion: '18446744073',
        lastVersionSeq: '18446744073',
        lastReceivedAt: expect.stringMatching(/Z$/),
        lastChangedAt: expect.stringMatching(/Z$/),
        received: expect.any(Number),
        changed: expect.any(Number),
        rejected: expect.any(Number),
        lagSeconds: expect.any(Number),
      });
      const prices = feeds.find((feed) => feed.kind === 'prices')!;
      // 9 items: 2 created, 6 refused by validation and 1 by the writer (an unknown price type): all counted.
      expect(prices).toMatchObject({ received: 9, changed: 2, rejected: 7 });
    });
  });

  describe('roles', () => {
    it.each(['products', 'prices', 'stock', 'counterparties', 'warehouses', 'units'])(
      'lets a courier read %s',
      async (kind) => {
        expect((await get(kind, 'courier')).status).toBe(200);
      },
    );

    it.each([
      ['couriers', `couriers`],
      ['a courier by id', `couriers/${COURIER}`],
      ['cash desks', 'cash-desks'],
      ['a cash desk by id', `cash-desks/${CASH_DESK}`],
      ['price types', 'price-types'],
    ])('refuses a courier %s with 403 problem+json', async (_, path) => {
      const answer = await get(path, 'courier');
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'MASTER_DATA_KIND_FORBIDDEN' });
    });

    it.each(['courier', 'admin'] as const)('refuses writes from %s with 403 and writes nothing', async (role) => {
      const before = await mirrorDigest();
      const written = await put('products', [product(0, { version: '99', name: 'Взлом' })], { role });
      const deleted = await harness.call('DELETE', `/api/v1/master-data/products/${PRODUCT(0)}`, {
        role,
        courierId: role === 'courier' ? COURIER : undefined,
      });
      expect([written.status, deleted.status]).toEqual([403, 403]);
      expect(written.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await mirrorDigest()).toEqual(before);
    });

    it('lets admin and 1c read every kind and the cursors, but not a courier the cursors', async () => {
      expect((await get('cash-desks', 'admin')).status).toBe(200);
      expect((await get('couriers', '1c')).status).toBe(200);
      expect((await get('cursors', 'courier')).status).toBe(403);
    });
  });

  describe('bad input', () => {
    it.each([
      ['items that are not objects', 'products', { items: [product(900), 1, 'x', null, []] }, 'items'],
      [
        'more than 1,000 items',
        'units',
        { items: Array.from({ length: 1001 }, (_, i) => ({ id: guid(i), version: 1 })) },
        'items',
      ],
      ['no items', 'units', { items: [] }, 'items'],
      ['items that are not a list', 'units', { items: { id: guid(1) } }, 'items'],
      ['an unknown envelope field', 'units', { items: [{ id: guid(1), version: 1 }], mode: 'replace' }, 'mode'],
      ['an unknown kind', 'goods', { items: [product(900)] }, 'kind'],
    ])('refuses %s with 400 problem+json and writes nothing', async (_, kind, body, names) => {
      const before = await mirrorDigest();
      const answer = await harness.call('PUT', `/api/v1/master-data/${kind}`, {
        role: '1c',
        body,
        idempotencyKey: randomUUID(),
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((answer.body as { errors: { path: string }[] }).errors.map((error) => error.path)).toContain(names);
      expect(await mirrorDigest()).toEqual(before);
    });

    it('requires an Idempotency-Key on PUT', async () => {
      const answer = await harness.call('PUT', '/api/v1/master-data/units', {
        role: '1c',
        body: { items: [{ id: guid(5), version: 1 }] },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING' });
    });

    it.each([
      [
        'a tampered cursor',
        `products?cursor=${Buffer.from('{"v":1,"tx":"abc","id":"x"}').toString('base64url')}`,
        'cursor',
      ],
      [
        'a cursor of another list',
        `products?cursor=${Buffer.from('{"v":1,"id":"1"}').toString('base64url')}`,
        'cursor',
      ],
      ['a limit over the maximum', 'products?limit=201', 'limit'],
      ['an impossible date', 'products?updated_after=2024-02-30T00:00:00Z', 'updated_after'],
      ['an unknown kind', 'goods', 'kind'],
      ['an unknown parameter', 'products?colour=red', 'colour'],
      ['include_deleted that is not a boolean', 'products?include_deleted=yes', 'include_deleted'],
      ['a malformed INN', 'counterparties?inn=77070838', 'inn'],
    ])('refuses %s on reads with 400 naming it', async (_, path, names) => {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((answer.body as { errors: { path: string }[] }).errors.map((error) => error.path)).toContain(names);
    });
  });
});
