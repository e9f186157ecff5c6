import {
  activeInPortal,
  differences,
  normaliseField,
  projectCounterparty,
  projectionHash,
  projectProduct,
  type OfferPrice,
  type OfferStock,
  type ProductSource,
  type ProjectionSettings,
} from './bitrix24-projection';
import type { CounterpartyData, ProductData } from './mirror-records';

const PRODUCT = 'p-1';
const RED = 'p-1#red';
const BLUE = 'p-1#blue';
const RETAIL = 'pt-retail';
const WHOLESALE = 'pt-wholesale';
const MAIN = 'wh-main';
const VAN = 'wh-van';

const data: ProductData = {
  origin: 'goods',
  parentId: null,
  characteristicId: null,
  name: 'Стол складной',
  fullName: null,
  article: 'T-100',
  code: '00042',
  barcodes: ['4600000000017', '4600000000024'],
  unitId: 'u-796',
  groupIds: [],
  vatRate: '22',
  description: null,
  characteristics: [],
  properties: [],
  weight: null,
};

const price = (offerId: string, priceTypeId: string, value: string, active = true): OfferPrice => ({
  offerId,
  priceTypeId,
  price: value,
  currency: 'RUB',
  active,
});
const stock = (offerId: string, warehouseId: string | null, quantity: string, active = true): OfferStock => ({
  offerId,
  warehouseId,
  quantity,
  active,
});

function source(overrides: Partial<ProductSource> = {}): ProductSource {
  return {
    onecId: PRODUCT,
    active: true,
    data,
    unitCode: '796',
    activeVariants: [],
    prices: [],
    stock: [],
    ...overrides,
  };
}

const settings = (overrides: Partial<ProjectionSettings> = {}): ProjectionSettings => ({
  stockWarehouses: [],
  priceTypes: [
    { onecId: RETAIL, name: 'Розничная', active: true },
    { onecId: WHOLESALE, name: 'Оптовая', active: true },
  ],
  ...overrides,
});

describe('a product as its Bitrix24 catalog entry', () => {
  it('carries the catalog fields, the first price type 1C sent, and the unit by its OKEI code', () => {
    const projection = projectProduct(
      source({ prices: [price(PRODUCT, WHOLESALE, '900.00'), price(PRODUCT, RETAIL, '1719.00')] }),
      settings(),
    );
    expect(projection).toEqual({
      kind: 'product',
      externalId: PRODUCT,
      fields: {
        name: 'Стол складной',
        article: 'T-100',
        code: '00042',
        barcode: '4600000000017',
        price: '1719.00',
        currency: 'RUB',
        quantity: '0.000',
        vatRate: '22',
        unit: '796',
        active: true,
      },
    });
  });

  it('takes the configured price type by 1C id or by name, and shows no price when 1C sent none of it', () => {
    const prices = [price(PRODUCT, RETAIL, '1719.00'), price(PRODUCT, WHOLESALE, '900.00')];
    expect(projectProduct(source({ prices }), settings({ priceType: WHOLESALE })).fields.price).toBe('900.00');
    expect(projectProduct(source({ prices }), settings({ priceType: ' оптовая ' })).fields.price).toBe('900.00');
    expect(projectProduct(source({ prices }), settings({ priceType: 'Закупочная' })).fields).toMatchObject({
      price: null,
      currency: null,
    });
  });

  it('skips an inactive price type when choosing the first, and an inactive price row', () => {
    const priceTypes = [
      { onecId: RETAIL, name: 'Розничная', active: false },
      { onecId: WHOLESALE, name: 'Оптовая', active: true },
    ];
    const prices = [price(PRODUCT, RETAIL, '1719.00'), price(PRODUCT, WHOLESALE, '900.00', false)];
    expect(projectProduct(source({ prices }), settings({ priceTypes })).fields.price).toBeNull();
  });

  it("shows the lowest of the active variants' prices when the product itself has none", () => {
    const prices = [price(RED, RETAIL, '1100.50'), price(BLUE, RETAIL, '999.99'), price('p-1#gone', RETAIL, '5.00')];
    const fields = projectProduct(source({ activeVariants: [RED, BLUE], prices }), settings()).fields;
    expect(fields.price).toBe('999.99');
    // The product's own price wins over its variants'.
    const own = projectProduct(
      source({ activeVariants: [RED, BLUE], prices: [...prices, price(PRODUCT, RETAIL, '1200.00')] }),
      settings(),
    );
    expect(own.fields.price).toBe('1200.00');
  });

  it('sums stock exactly over the product and its active variants, per-warehouse rows beating a total row', () => {
    const rows = [
      stock(PRODUCT, MAIN, '0.1'),
      stock(PRODUCT, VAN, '0.2'),
      // A total of the same offer: the per-warehouse rows beat it.
      stock(PRODUCT, null, '100.000'),
      // Only a total for this variant: it counts.
      stock(RED, null, '2.500'),
      // Negative stock is legal in 1C.
      stock(BLUE, MAIN, '-1.000'),
      // An inactive row and a variant that is not active count for nothing.
      stock(BLUE, VAN, '50.000', false),
      stock('p-1#gone', MAIN, '70.000'),
    ];
    const fields = projectProduct(source({ activeVariants: [RED, BLUE], stock: rows }), settings()).fields;
    // 0.1 + 0.2 is 0.3 exactly, not 0.30000000000000004.
    expect(fields.quantity).toBe('1.800');
  });

  it('sums only the configured warehouses, where a total row cannot be split and counts for nothing', () => {
    const rows = [stock(PRODUCT, MAIN, '3.000'), stock(PRODUCT, VAN, '4.000'), stock(RED, null, '9.000')];
    const fields = projectProduct(
      source({ activeVariants: [RED], stock: rows }),
      settings({ stockWarehouses: [VAN] }),
    ).fields;
    expect(fields.quantity).toBe('4.000');
  });

  it('is inactive when the product is deleted or deactivated, and falls back to the unit id without a unit row', () => {
    const fields = projectProduct(source({ active: false, unitCode: null }), settings()).fields;
    expect(fields).toMatchObject({ active: false, unit: 'u-796' });
  });
});

describe('a counterparty as a Bitrix24 company or contact', () => {
  const organisation: CounterpartyData = {
    type: 'organization',
    name: 'ООО «Ромашка»',
    fullName: 'Общество с ограниченной ответственностью «Ромашка»',
    inn: '7701234567',
    kpp: '770101001',
    phones: ['+7 495 000-00-01'],
    emails: ['office@romashka.example'],
    addresses: [{ type: 'Юридический адрес', presentation: 'Москва, ул. Полевая, 1' }],
  };

  it('makes an organisation a company and a person a contact, with phones and e-mails as lists', () => {
    expect(projectCounterparty({ onecId: 'c-1', active: true, data: organisation })).toEqual({
      kind: 'company',
      externalId: 'c-1',
      fields: {
        name: 'ООО «Ромашка»',
        inn: '7701234567',
        kpp: '770101001',
        phones: ['+7 495 000-00-01'],
        emails: ['office@romashka.example'],
        address: 'Москва, ул. Полевая, 1',
        active: true,
      },
    });
    const person = projectCounterparty({
      onecId: 'c-2',
      active: false,
      data: { ...organisation, type: 'person', addresses: [] },
    });
    expect(person.kind).toBe('contact');
    expect(person.fields).toMatchObject({ address: null, active: false });
  });
});

describe('comparing our fields with what the portal echoes', () => {
  it.each([
    ['price', '1719.00', '1719.000000'],
    ['price', '0.50', 0.5],
    ['quantity', '-0.000', '0'],
    ['quantity', '12.000', 12],
    ['active', true, 'Y'],
    ['active', false, 'N'],
    ['active', true, 'true'],
    ['active', false, null],
    ['name', ' Стол ', 'Стол'],
    ['vatRate', '22', { value: '22', valueId: '7' }],
    ['unit', '796', 796],
    ['inn', null, ''],
    ['phones', ['+7 (495) 000-00-01', '+7 495 000 00 01'], ['74950000001']],
    ['emails', ['Office@Romashka.example'], ['office@romashka.example']],
    ['phones', ['+7 900 1', '+7 900 2'], ['+79002', '+79001']],
  ] as const)('%s: %j equals %j', (field, ours, theirs) => {
    expect(normaliseField(field, ours, 'ours')).toBe(normaliseField(field, theirs, 'theirs'));
  });

  it.each([
    ['price', '1719.00', '1719.01'],
    ['price', '1719.00', null],
    ['active', false, 'Y'],
    ['name', 'Стол', 'стол'],
    ['phones', ['+7 900 1'], ['+79001', '+7 900 1']],
    ['emails', ['a@example.com'], []],
  ] as const)('%s: %j differs from %j', (field, ours, theirs) => {
    expect(normaliseField(field, ours, 'ours')).not.toBe(normaliseField(field, theirs, 'theirs'));
  });

  const projection = projectProduct(source({ prices: [price(PRODUCT, RETAIL, '1719.00')] }), settings());

  it('names the differing fields the portal shows, never those the mapping does not map', () => {
    const theirs = { name: 'Стол складной', price: '1500.000000', active: 'Y', article: 'T-100' };
    expect(differences(projection, theirs)).toEqual([{ field: 'price', mirror: '1719', bitrix: '1500' }]);
    expect(differences(projection, {})).toEqual([]);
  });

  it('hashes equal projections equally, however their values are written, and kinds apart', () => {
    const reformatted = { ...projection, fields: { ...projection.fields, price: '1719.0', quantity: '0' } };
    expect(projectionHash(reformatted)).toBe(projectionHash(projection));
    expect(projectionHash({ ...projection, fields: { ...projection.fields, price: '1719.01' } })).not.toBe(
      projectionHash(projection),
    );
    const company = projectCounterparty({
      onecId: 'x',
      active: true,
      data: {
        type: 'organization',
        name: 'N',
        fullName: null,
        inn: null,
        kpp: null,
        phones: [],
        emails: [],
        addresses: [],
      },
    });
    expect(projectionHash(company)).not.toBe(projectionHash({ ...company, kind: 'contact' }));
  });

  it('tells an active copy from an inactive one, and says nothing without a mapped active field', () => {
    expect(activeInPortal({ active: 'Y' })).toBe(true);
    expect(activeInPortal({ active: 'N' })).toBe(false);
    expect(activeInPortal({ name: 'x' })).toBeUndefined();
  });
});
