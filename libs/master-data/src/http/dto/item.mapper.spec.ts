import { MAX_ERRORS_PER_ITEM, toBatchItems, toBatchResultDto } from './item.mapper';

const P = '0a4f3b1e-0000-4000-8000-000000000010';
const C = '0a4f3b1e-0000-4000-8000-000000000011';
const G = '0a4f3b1e-0000-4000-8000-000000000001';
const PT = '0a4f3b1e-0000-4000-8000-000000000020';

describe('JSON items into mirror writes', () => {
  it('maps a variant with its product and characteristic, defaults and canonical decimals', () => {
    const [item] = toBatchItems('products', [
      { id: `${P}#${C}`, version: '12', name: 'Вода 0,5 л', groupIds: [G], weight: '0.5', vatRate: '10/110' },
    ]);
    expect(item).toEqual({
      write: {
        kind: 'products',
        onecId: `${P}#${C}`,
        version: '12',
        versionSeq: 12n,
        deleted: false,
        source: 'api',
        data: {
          origin: 'goods',
          parentId: P,
          characteristicId: C,
          name: 'Вода 0,5 л',
          fullName: null,
          article: null,
          code: null,
          barcodes: [],
          unitId: null,
          groupIds: [G],
          vatRate: '10/110',
          description: null,
          characteristics: [],
          properties: [],
          weight: '0.500',
        },
      },
    });
  });

  it('keys prices and stock by offer and price type or warehouse', () => {
    const [price, total, level] = [
      ...toBatchItems('prices', [
        { productId: `${P}#${C}`, priceTypeId: PT, price: '0010.1', currency: 'eur', version: 3 },
      ]),
      ...toBatchItems('stock', [
        { productId: P, quantity: '-0.5', version: 1 },
        { productId: P, warehouseId: G, quantity: '2', version: 1, deleted: true },
      ]),
    ];
    expect(price).toMatchObject({
      write: {
        onecId: `${P}#${C}|${PT}`,
        data: { productId: `${P}#${C}`, priceTypeId: PT, price: '10.10', currency: 'EUR', unit: null },
      },
    });
    expect(total).toMatchObject({ write: { onecId: `${P}|*`, data: { warehouseId: null, quantity: '-0.500' } } });
    expect(level).toMatchObject({ write: { onecId: `${P}|${G}`, deleted: true, data: { quantity: '2.000' } } });
  });

  it.each([
    ['a malformed GUID', 'products', { id: 'abc', version: 1, name: 'x' }, 'id', /GUID/],
    ['a characteristic that is no GUID', 'products', { id: `${P}#red`, version: 1, name: 'x' }, 'id', /characteristic/],
    ['a negative price', 'prices', { productId: P, priceTypeId: PT, price: '-1', version: 1 }, 'price', /negative/],
    [
      'a price of 3 decimals',
      'prices',
      { productId: P, priceTypeId: PT, price: '1.001', version: 1 },
      'price',
      /2 decimal/,
    ],
    [
      'a price as a JSON number',
      'prices',
      { productId: P, priceTypeId: PT, price: 1.5, version: 1 },
      'price',
      /string/,
    ],
    ['a quantity of 4 decimals', 'stock', { productId: P, quantity: '1.0001', version: 1 }, 'quantity', /3 decimal/],
    ['an unknown VAT rate', 'products', { id: P, version: 1, name: 'x', vatRate: '18' }, 'vatRate', /vatRate/],
    ['a version with a leading zero', 'units', { id: '796', version: '07' }, 'version', /non-negative integer/],
    ['a negative version', 'units', { id: '796', version: -1 }, 'version', /non-negative integer/],
    ['a version beyond a safe integer', 'units', { id: '796', version: 2 ** 53 }, 'version', /safe/],
    ['a version over bigint', 'units', { id: '796', version: '9223372036854775808' }, 'version', /integer/],
    ['an unknown field', 'warehouses', { id: G, version: 1, name: 'x', kind: 'van' }, 'kind', /should not exist/],
    [
      'a nested unknown field',
      'products',
      { id: P, version: 1, name: 'x', characteristics: [{ name: 'a', value: 'b', c: 1 }] },
      'characteristics.0.c',
      /should not exist/,
    ],
    ['a NUL in a name', 'warehouses', { id: G, version: 1, name: 'склад\u0000' }, 'name', /cannot be stored/],
    ['an unpaired surrogate', 'warehouses', { id: G, version: 1, name: 'склад\ud800' }, 'name', /cannot be stored/],
    [
      'a 9-digit INN',
      'counterparties',
      { id: G, version: 1, type: 'person', name: 'x', inn: '123456789' },
      'inn',
      /10 or 12/,
    ],
    ['a counterparty of no type', 'counterparties', { id: G, version: 1, name: 'x' }, 'type', /type/],
  ] as const)('rejects %s, naming the field', (_, kind, raw, path, reason) => {
    const [item] = toBatchItems(kind, [raw]);
    expect('rejections' in item && item.rejections).toEqual(
      expect.arrayContaining([{ code: 'INVALID_FIELD', path, reason: expect.stringMatching(reason) }]),
    );
  });

  it('keeps a valid 1C id on a rejected item, and bounds its reasons', () => {
    const raw: Record<string, unknown> = { id: G, version: 1, name: 'x' };
    for (let n = 0; n < 20; n++) {
      raw[`extra${n}`] = n;
    }
    const [item] = toBatchItems('warehouses', [raw]);
    expect(item).toMatchObject({ onecId: G });
    expect('rejections' in item && item.rejections.length).toBe(MAX_ERRORS_PER_ITEM);
  });

  it('answers with paths from the body, bounded in length', () => {
    const answer = toBatchResultDto('products', {
      results: [
        {
          onecId: null,
          outcome: 'rejected',
          rejections: [{ code: 'INVALID_FIELD', path: 'x'.repeat(500), reason: 'r' }],
        },
        { onecId: P, outcome: 'created', rowId: 'row-1' },
      ],
      counts: { created: 1, updated: 0, unchanged: 0, rejected: 1 },
    });
    expect(answer.results[0].errors?.[0].path).toMatch(/^items\.0\.x+…$/);
    expect(answer.results[0].errors?.[0].path.length).toBe(100);
    expect(answer.results[1]).toEqual({ index: 1, id: P, status: 'created', rowId: 'row-1' });
  });

  it('blames a repeated price on the item, which has no id field', () => {
    const repeated = { code: 'DUPLICATE_IN_BATCH', path: 'id', reason: 'the same id appears earlier' } as const;
    const answer = (kind: 'prices' | 'warehouses') =>
      toBatchResultDto(kind, {
        results: [{ onecId: `${P}|${PT}`, outcome: 'rejected', rejections: [repeated] }],
        counts: { created: 0, updated: 0, unchanged: 0, rejected: 1 },
      }).results[0].errors?.[0].path;
    expect(answer('prices')).toBe('items.0');
    expect(answer('warehouses')).toBe('items.0.id');
  });
});
