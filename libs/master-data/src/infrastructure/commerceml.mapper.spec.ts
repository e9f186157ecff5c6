import type { OfferRecord } from '@app/onec';
import { currencyCode, mapCatalogRecords } from './commerceml.mapper';

function offer(overrides: Partial<OfferRecord>): OfferRecord {
  return {
    kind: 'offer',
    ordinal: 0,
    id: 'p1#c1',
    productId: 'p1',
    characteristicId: 'c1',
    versionNumber: null,
    deleted: false,
    barcode: null,
    article: null,
    name: 'Футболка (красная, L)',
    baseUnit: { code: '796', text: 'шт', fullName: 'Штука', internationalAbbreviation: 'PCE', conversions: [] },
    characteristics: [{ id: null, name: 'Цвет', value: 'красный' }],
    properties: [],
    prices: [],
    quantity: null,
    stock: [],
    ...overrides,
  };
}

describe('mapCatalogRecords', () => {
  it('turns an offer into its variant, a price per price type and a stock level per warehouse', () => {
    const mapped = mapCatalogRecords(
      [
        offer({
          prices: [
            {
              priceTypeId: 't1',
              pricePerUnit: '1719',
              currency: 'руб',
              unit: 'шт',
              coefficient: '1',
              presentation: null,
            },
          ],
          stock: [
            { warehouseId: 'w1', quantity: '3' },
            { warehouseId: 'w2', quantity: '-1' },
          ],
        }),
      ],
      42n,
    );
    expect(mapped.unmappable).toEqual([]);
    expect(mapped.unitsNamed.map((unit) => unit.onecId)).toEqual(['796']);
    expect(mapped.writes.map((write) => [write.kind, write.onecId, write.versionSeq])).toEqual([
      ['products', 'p1#c1', 42n],
      ['prices', 'p1#c1|t1', 42n],
      ['stock', 'p1#c1|w1', 42n],
      ['stock', 'p1#c1|w2', 42n],
    ]);
    expect(mapped.writes[0].data).toMatchObject({ origin: 'offer', parentId: 'p1', characteristicId: 'c1' });
    expect(mapped.writes[1].data).toEqual({
      productId: 'p1#c1',
      priceTypeId: 't1',
      price: '1719.00',
      currency: 'RUB',
      unit: 'шт',
    });
  });

  it('keeps a bare total as stock over every warehouse, and counts values that are not exact decimals', () => {
    const mapped = mapCatalogRecords(
      [
        offer({
          id: 'p2',
          productId: 'p2',
          characteristicId: null,
          quantity: '5.5',
          prices: [
            {
              priceTypeId: 't1',
              pricePerUnit: '1.999',
              currency: 'RUB',
              unit: null,
              coefficient: null,
              presentation: null,
            },
            {
              priceTypeId: 't2',
              pricePerUnit: null,
              currency: 'RUB',
              unit: null,
              coefficient: null,
              presentation: null,
            },
          ],
        }),
      ],
      1n,
    );
    expect(mapped.writes.map((write) => [write.kind, write.onecId])).toEqual([['stock', 'p2|*']]);
    expect(mapped.writes[0].data).toEqual({ productId: 'p2', warehouseId: null, quantity: '5.500' });
    expect(mapped.unmappable.map((record) => [record.path, record.reason])).toEqual([
      ['prices.0.pricePerUnit', 'price has more than 2 decimal places'],
      ['prices.1.pricePerUnit', 'price is not a number'],
    ]);
  });
});

describe('currencyCode', () => {
  it.each([
    ['руб', 'RUB'],
    ['руб.', 'RUB'],
    ['RUR', 'RUB'],
    ['643', 'RUB'],
    ['usd', 'USD'],
    ['грн', 'грн'],
  ])('%s → %s', (raw, code) => {
    expect(currencyCode(raw)).toBe(code);
  });
});
