import { TEST_ENTITY_KINDS } from '@app/testing';
import { validateMapping, type CrmItemMapping, type ProductMapping } from './bitrix24-mapping';
import { EntityCodec } from './entity-codec';
import { InvalidFieldValueError } from './multi-fields';

const mapping = validateMapping(
  {
    entities: {
      company: {
        fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
        multiFields: { phones: 'PHONE', emails: { type: 'EMAIL', valueType: 'WORK' } },
      },
      product: { iblockId: 23, fields: { name: 'name', price: 'purchasingPrice', active: 'active' } },
      delivery: { entityTypeId: 1036, fields: { title: 'title' }, stages: { new: 'DT1036_12:NEW' } },
    },
  },
  TEST_ENTITY_KINDS,
);
const company = new EntityCodec(mapping.entities.company as CrmItemMapping, 'mastermobile');
const product = new EntityCodec(mapping.entities.product as ProductMapping, 'mastermobile');
const delivery = new EntityCodec(mapping.entities.delivery as CrmItemMapping, 'mastermobile');

const request = (fields: Record<string, unknown>) => ({ kind: 'company', externalId: 'c-1', fields });

/** A company as crm.item.get shows it: `fm` values with their ids. */
function held(...fm: Array<[number, string, string, string]>): Record<string, unknown> {
  return {
    id: 7,
    title: 'LLC',
    originatorId: 'mastermobile',
    originId: 'c-1',
    fm: fm.map(([id, typeId, valueType, value]) => ({ id, valueType, value, typeId })),
  };
}

describe('EntityCodec multi-fields', () => {
  it('creates every distinct value as a new one, of the mapped value type or WORK, and sends flags as Y/N', () => {
    const fields = company.fields(
      request({
        phones: ['+7 900 000-00-01', '79000000001', '+7 900 000-00-02'],
        emails: 'a@example.com',
        active: false,
      }),
      true,
    );
    expect(fields).toEqual({
      ufCrm_MM_ACTIVE: 'N',
      originatorId: 'mastermobile',
      originId: 'c-1',
      fm: [
        { typeId: 'EMAIL', valueType: 'WORK', value: 'a@example.com' },
        { typeId: 'PHONE', valueType: 'WORK', value: '+7 900 000-00-01' },
        { typeId: 'PHONE', valueType: 'WORK', value: '+7 900 000-00-02' },
      ],
    });
  });

  it('updates by value id: keeps equal values, adds missing ones, deletes removed ones and old copies', () => {
    const existing = held(
      [11, 'PHONE', 'WORK', '+7 (900) 000-00-01'],
      [12, 'PHONE', 'MOBILE', '79000000001'],
      [13, 'PHONE', 'WORK', '+7 900 000-00-03'],
      [14, 'EMAIL', 'WORK', 'Old@Example.com'],
      [15, 'EMAIL', 'HOME', 'home@example.com'],
    );
    const fields = company.fields(
      request({ phones: ['+79000000001', '+7 900 000-00-02'], emails: ['old@example.com'] }),
      false,
      existing,
    );
    expect(fields.fm).toEqual({
      12: { typeId: 'PHONE', value: '' },
      13: { typeId: 'PHONE', value: '' },
      n0: { typeId: 'PHONE', valueType: 'WORK', value: '+7 900 000-00-02' },
    });
  });

  it('sends no fm when the entity holds exactly our values, and leaves a multi-field we do not send alone', () => {
    const existing = held([11, 'PHONE', 'WORK', '+7 900 000-00-01'], [14, 'EMAIL', 'WORK', 'a@example.com']);
    expect(company.fields(request({ phones: ['79000000001'] }), false, existing)).not.toHaveProperty('fm');
    expect(company.fields(request({ name: 'LLC' }), false)).not.toHaveProperty('fm');
    expect(company.fields(request({ emails: null }), false, existing).fm).toEqual({
      14: { typeId: 'EMAIL', value: '' },
    });
  });

  it('never sends multi-fields of an update blind, and refuses values that are not strings', () => {
    expect(company.needsExisting({ name: 'LLC' })).toBe(false);
    expect(company.needsExisting({ phones: [] })).toBe(true);
    expect(() => company.fields(request({ phones: ['1'] }), false)).toThrow(/without its multi-fields/);
    expect(() => company.fields(request({ phones: [{ number: '1' }] }), true)).toThrow(InvalidFieldValueError);
  });

  it('shows multi-fields as our lists and hashes them by value, whatever the order or the formatting', () => {
    const written = held([11, 'PHONE', 'WORK', '+7 900 000-00-01'], [14, 'EMAIL', 'WORK', 'a@example.com']);
    const reformatted = held([14, 'EMAIL', 'WORK', 'A@example.com'], [11, 'PHONE', 'WORK', '79000000001']);
    const copied = held(
      [11, 'PHONE', 'WORK', '+7 900 000-00-01'],
      [12, 'PHONE', 'WORK', '+7 900 000-00-01'],
      [14, 'EMAIL', 'WORK', 'a@example.com'],
    );

    expect(company.toOurs(written).fields).toEqual({
      name: 'LLC',
      phones: ['+7 900 000-00-01'],
      emails: ['a@example.com'],
    });
    expect(company.contentHash(reformatted)).toBe(company.contentHash(written));
    expect(company.contentHash(copied)).not.toBe(company.contentHash(written));
    expect(company.contentHash(held([14, 'EMAIL', 'HOME', 'a@example.com']))).not.toBe(
      company.contentHash(held([14, 'EMAIL', 'WORK', 'a@example.com'])),
    );
  });

  it('reports as drift only what a write would change', () => {
    const theirs = company.toOurs(
      held([11, 'PHONE', 'WORK', '+7 900 000-00-01'], [12, 'PHONE', 'WORK', '8 (900) 000-00-02']),
    ).fields;
    expect(company.drift(theirs, { name: 'LLC', phones: ['89000000002', '79000000001'], note: 'unmapped' })).toEqual(
      [],
    );
    expect(company.drift(theirs, { name: 'LLC 2', phones: ['79000000001'], emails: [] })).toEqual(['name', 'phones']);
    expect(
      company.drift(company.toOurs(held([11, 'PHONE', 'WORK', '1'], [12, 'PHONE', 'WORK', '1'])).fields, {
        phones: ['1'],
      }),
    ).toEqual(['phones']);

    const echoed = product.toOurs({ id: 3, name: 'Bread', purchasingPrice: '45.500000', active: 'N' }).fields;
    expect(product.drift(echoed, { name: 'Bread', price: '45.50', active: false })).toEqual([]);
    expect(product.drift(echoed, { price: 46, active: true })).toEqual(['price', 'active']);
  });

  it("knows our external id: not a product xmlId that is just its own id, not another integration's originId", () => {
    expect(product.externalIdOf({ id: 3, xmlId: '3' })).toBeUndefined();
    expect(product.externalIdOf({ id: 3, xmlId: 'guid-3' })).toBe('guid-3');
    expect(company.externalIdOf({ id: 7, originatorId: 'erp', originId: 'x' })).toBeUndefined();
    expect(company.externalIdOf({ id: 7, originatorId: 'mastermobile', originId: 'c-1' })).toBe('c-1');
    expect(company.externalIdOf({ id: 7, originId: 'c-1' })).toBe('c-1');
  });
});

describe('EntityCodec product rows', () => {
  const rows = [
    { productName: 'Вода', price: '49.90', quantity: '2.000', taxRate: '22', taxIncluded: true, measureCode: '796' },
    { productName: 'Услуга', price: '100.00', quantity: '1.000', taxRate: null, taxIncluded: true },
  ];

  it('replaces a smart-process item’s rows under its hex owner type, decimals as the strings we hold', () => {
    expect(delivery.productRows('41', rows)).toEqual({
      method: 'crm.item.productrow.set',
      params: {
        ownerType: 'T40c',
        ownerId: '41',
        productRows: [
          {
            productName: 'Вода',
            price: '49.90',
            quantity: '2.000',
            taxRate: '22',
            taxIncluded: 'Y',
            measureCode: '796',
          },
          { productName: 'Услуга', price: '100.00', quantity: '1.000', taxRate: '', taxIncluded: 'Y' },
        ],
      },
    });
  });

  it('refuses rows for an entity without them before anything is sent', () => {
    expect(() => company.fields({ ...request({ name: 'LLC' }), productRows: rows }, true)).toThrow(
      'company entities carry no product rows',
    );
    expect(() => product.fields({ kind: 'product', externalId: 'p', fields: {}, productRows: [] }, true)).toThrow(
      'product entities carry no product rows',
    );
    expect(() =>
      delivery.fields({ kind: 'delivery', externalId: 'd', fields: {}, productRows: rows }, true),
    ).not.toThrow();
  });
});

describe('EntityCodec adopting', () => {
  it('writes our id onto a CRM item with the update, and refuses a catalog product', () => {
    expect(delivery.fields({ kind: 'delivery', externalId: 'd-9', fields: {}, adoptBitrixId: '17' }, false)).toEqual({
      xmlId: 'd-9',
    });
    expect(company.fields({ ...request({}), externalId: 'c-9', adoptBitrixId: '5' }, false)).toMatchObject({
      originatorId: 'mastermobile',
      originId: 'c-9',
    });
    expect(() => product.fields({ kind: 'product', externalId: 'p', fields: {}, adoptBitrixId: '3' }, false)).toThrow(
      'product entities cannot be adopted: only CRM items (smart processes, companies, contacts) can',
    );
  });
});
