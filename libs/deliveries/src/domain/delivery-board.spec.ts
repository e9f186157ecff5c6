import { boardRowsOf } from './delivery-board';

describe('the board’s product rows', () => {
  const item = (productId: string, characteristicId: string | null, vatRate: string) => ({
    lineNo: 1,
    productId,
    characteristicId,
    quantity: '0.375',
    price: '312.50',
    vatRate,
    amount: '117.19',
  });

  it('names a variant by its own name and unit, falling back to its product’s', () => {
    const labels = new Map([
      ['juice', { name: 'Сок', unitCode: '166' }],
      ['juice#1l', { name: 'Сок, 1 л', unitCode: null }],
    ]);
    expect(boardRowsOf({ items: [item('juice', '1l', '10'), item('juice', null, '10')] }, labels)).toEqual([
      {
        productName: 'Сок, 1 л',
        price: '312.50',
        quantity: '0.375',
        taxRate: '10',
        taxIncluded: true,
        measureCode: '166',
      },
      { productName: 'Сок', price: '312.50', quantity: '0.375', taxRate: '10', taxIncluded: true, measureCode: '166' },
    ]);
  });

  it('takes an included rate as the rate itself, «Без НДС» as none, and an unknown product by its 1C id', () => {
    const rows = boardRowsOf(
      { items: [item('a', null, '22/122'), item('b', null, 'without'), item('c', null, '0')] },
      new Map(),
    );
    expect(rows.map((row) => [row.productName, row.taxRate, 'measureCode' in row])).toEqual([
      ['a', '22', false],
      ['b', null, false],
      ['c', '0', false],
    ]);
  });
});
