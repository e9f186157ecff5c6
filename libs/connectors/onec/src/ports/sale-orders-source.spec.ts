import { PortBindingError } from '@app/core';
import { Logger } from '@nestjs/common';
import { InMemorySaleOrders, monotonicClock } from '../../../../testing/src/fakes/onec/sale-port-doubles';
import {
  describeSaleOrdersContract,
  ORDER_TYPE,
  RETURN_TYPE,
  saleDocument,
} from '../../../../testing/src/fakes/onec/sale-ports.contract';
import { DocumentTypeOwners } from './document-type-owners';
import { SaleOrdersSource } from './sale-orders-source';

const context = { exchangeSessionId: '00000000-0000-4000-8000-000000000003' };

beforeAll(() => {
  Logger.overrideLogger(false);
});

function twoDomains() {
  const clock = monotonicClock();
  const orders = new InMemorySaleOrders([ORDER_TYPE], clock);
  const returns = new InMemorySaleOrders([RETURN_TYPE], clock);
  const source = new SaleOrdersSource(new DocumentTypeOwners('OnecSaleOrdersContribution', [orders, returns]));
  return { orders, returns, source };
}

describeSaleOrdersContract('SaleOrdersSource over two contributions', () => {
  const { orders, returns, source } = twoDomains();
  return Promise.resolve({
    source,
    put: (document) => Promise.resolve((document.operation === ORDER_TYPE ? orders : returns).put(document)),
  });
});

describe('SaleOrdersSource', () => {
  it('merges the contributions oldest first and keeps the limit across them', async () => {
    const { orders, returns, source } = twoDomains();
    orders.put(saleDocument('O1'));
    returns.put(saleDocument('R1', RETURN_TYPE));
    returns.put(saleDocument('R2', RETURN_TYPE));
    orders.put(saleDocument('O2'));
    returns.put(saleDocument('R3', RETURN_TYPE));
    expect((await source.pending(4)).map((order) => order.ref.id)).toEqual(['O1', 'R1', 'R2', 'O2']);
    expect((await source.pending(2)).map((order) => order.ref.id)).toEqual(['O1', 'R1']);
  });

  it("hands each contribution back only its own refs, with its own versions, on 1C's success", async () => {
    const { orders, returns, source } = twoDomains();
    orders.put(saleDocument('O1'));
    returns.put(saleDocument('R1', RETURN_TYPE));
    const markedByOrders = jest.spyOn(orders, 'markExported');
    const markedByReturns = jest.spyOn(returns, 'markExported');
    await source.markExported(
      (await source.pending(10)).map((order) => order.ref),
      context,
    );
    expect(markedByOrders.mock.calls).toEqual([[[{ id: 'O1', version: '1' }], context]]);
    expect(markedByReturns.mock.calls).toEqual([[[{ id: 'R1', version: '1' }], context]]);
    expect([orders.exportedVersion('O1'), returns.exportedVersion('R1')]).toEqual([1, 1]);
  });

  it('leaves pending an order confirmed under a ref no contribution owns now', async () => {
    const { orders, source } = twoDomains();
    orders.put(saleDocument('O1'));
    await source.markExported([{ id: 'O1', version: '1' }], context);
    await source.markExported([{ id: 'O1', version: JSON.stringify(['реализация товаров', '1']) }], context);
    expect((await source.pending(10)).map((order) => order.ref.id)).toEqual(['O1']);
  });

  it('refuses an order whose document type its contribution does not own', async () => {
    const { orders, source } = twoDomains();
    orders.put(saleDocument('R9', RETURN_TYPE));
    await expect(source.pending(10)).rejects.toThrow(
      'InMemorySaleOrders returned order R9 with ХозОперация "Возврат товара", which is not one of its document types (Заказ товара)',
    );
  });

  it('matches document types whatever the case and spacing 1C uses', async () => {
    const orders = new InMemorySaleOrders([' заказ   ТОВАРА ']);
    const source = new SaleOrdersSource(new DocumentTypeOwners('OnecSaleOrdersContribution', [orders]));
    orders.put(saleDocument('O1', 'Заказ товара'));
    await source.markExported(
      (await source.pending(10)).map((order) => order.ref),
      context,
    );
    expect(orders.exportedVersion('O1')).toBe(1);
  });

  it('serves nothing without contributions', async () => {
    const source = new SaleOrdersSource(new DocumentTypeOwners('OnecSaleOrdersContribution', []));
    expect(await source.pending(10)).toEqual([]);
  });
});

describe('DocumentTypeOwners', () => {
  it('refuses two owners of one document type, and a contribution owning none, naming them', () => {
    const claim = () =>
      new DocumentTypeOwners('OnecSaleOrdersContribution', [
        new InMemorySaleOrders([ORDER_TYPE]),
        new InMemorySaleOrders(['ЗАКАЗ ТОВАРА']),
        new InMemorySaleOrders([]),
      ]);
    expect(claim).toThrow(PortBindingError);
    expect(claim).toThrow(
      'OnecSaleOrdersContribution: document type "ЗАКАЗ ТОВАРА" is claimed by both InMemorySaleOrders and ' +
        'InMemorySaleOrders; each 1C document type has one owner\n' +
        'OnecSaleOrdersContribution InMemorySaleOrders owns no document type, so it would never be used',
    );
  });
});
