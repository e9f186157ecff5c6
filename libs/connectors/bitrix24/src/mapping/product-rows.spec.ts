import { readFileSync } from 'node:fs';
import { bitrix24FixturePath } from '@app/testing';
import { decimalString, InvalidRowValueError, listProductRows, productRowsOf, toInboundRow } from './product-rows';

describe('Bitrix24 product rows on the way in', () => {
  it('asks for one owner by exact type and id, paged by start', () => {
    expect(listProductRows(1036, '17', 50)).toEqual({
      method: 'crm.item.productrow.list',
      params: { filter: { '=ownerType': 'T40c', '=ownerId': '17' }, order: { sort: 'ASC', id: 'ASC' }, start: 50 },
    });
  });

  it('writes the portal floats as their shortest decimal string, never computed with', () => {
    expect(decimalString(49.9)).toBe('49.9');
    expect(decimalString(2)).toBe('2');
    expect(decimalString(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(decimalString(0.375)).toBe('0.375');
    expect(decimalString(-12.5)).toBe('-12.5');
    expect(decimalString(1e-7)).toBe('0.0000001');
    expect(decimalString(1.5e-7)).toBe('0.00000015');
    expect(decimalString(-2.25e-8)).toBe('-0.0000000225');
    expect(decimalString(1e21)).toBe('1000000000000000000000');
    expect(decimalString(1.234e22)).toBe('12340000000000000000000');
    expect(decimalString(' 49.90 ')).toBe('49.90');
    for (const bad of [Number.NaN, Infinity, '1,5', '', null, undefined, {}]) {
      expect(() => decimalString(bad, 'price')).toThrow(InvalidRowValueError);
    }
  });

  it('maps the recorded answer, taking our product id from the links and null where there is none', () => {
    const recorded = JSON.parse(
      readFileSync(bitrix24FixturePath('responses-fast_bitrix24/crm_item_productrow_list.json'), 'utf8'),
    ) as { result: { result: { cmd0000000000: unknown } } };
    const rows = productRowsOf(recorded.result.result.cmd0000000000);
    const mapped = rows.map((row) => toInboundRow(row, new Map([['12619', 'our-product-1']])));
    expect(mapped[0]).toEqual({
      rowId: '6563',
      bitrixProductId: '12619',
      productExternalId: 'our-product-1',
      productName: expect.stringMatching(/^41412941103 - Отходы/) as string,
      price: '0',
      quantity: '0.06',
      discountSum: '0',
      taxRate: null,
      taxIncluded: true,
      measureCode: '168',
    });
    expect(mapped[1]).toMatchObject({ rowId: '6564', productExternalId: null, quantity: '0.013' });
  });

  it('reads a free-text line as having no product, a VAT rate as a decimal and N as tax on top', () => {
    expect(
      toInboundRow(
        {
          id: 5,
          productId: 0,
          productName: 'Доставка',
          price: 300,
          quantity: 1,
          discountSum: 12.35,
          taxRate: 22,
          taxIncluded: 'N',
          measureCode: 0,
        },
        new Map(),
      ),
    ).toEqual({
      rowId: '5',
      bitrixProductId: null,
      productExternalId: null,
      productName: 'Доставка',
      price: '300',
      quantity: '1',
      discountSum: '12.35',
      taxRate: '22',
      taxIncluded: false,
      measureCode: null,
    });
    expect(() => toInboundRow({ id: 5, productId: 0, price: 'abc', quantity: 1 }, new Map())).toThrow(
      "A product row's price is not a number",
    );
  });
});
