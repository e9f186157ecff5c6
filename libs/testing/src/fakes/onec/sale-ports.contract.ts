import type {
  DocumentRecord,
  OnecSaleDocumentsContribution,
  OnecSaleOrdersContribution,
  SaleDocument,
} from '@app/onec';

export const ORDER_TYPE = 'Заказ товара';
export const RETURN_TYPE = 'Возврат товара';

/** A small valid order or return waiting for 1C. */
export function saleDocument(id: string, operation: string = ORDER_TYPE): SaleDocument {
  return {
    id,
    number: id,
    date: '2026-03-01',
    time: '10:00:00',
    operation,
    role: 'Продавец',
    currency: 'руб',
    rate: '1',
    amount: '100.00',
    counterparties: [{ id: 'c-1', name: 'Иван Иванов', role: 'Покупатель' }],
    items: [
      {
        id: 'p-1',
        name: 'Хлеб',
        unit: { code: '796', name: 'шт' },
        pricePerUnit: '100.00',
        quantity: '1',
        amount: '100.00',
      },
    ],
  };
}

/** 1C's view of one of our documents, as the parser reads it from `sale/file`. */
export function documentFromOneC(
  id: string,
  operation: string | null,
  state: { number1c?: string; posted?: boolean; status?: string } = {},
  ordinal = 0,
): DocumentRecord {
  return {
    kind: 'document',
    ordinal,
    id,
    containerIndex: null,
    versionNumber: null,
    number: id,
    date: '2026-03-01',
    time: null,
    operation,
    role: 'Продавец',
    currency: 'руб',
    rate: '1',
    amount: '100.00',
    paymentDueDate: null,
    comment: null,
    number1c: state.number1c ?? null,
    date1c: null,
    deleted: null,
    posted: state.posted ?? null,
    paid: null,
    paymentNumber1c: null,
    paymentDate1c: null,
    shipped: null,
    shipmentNumber1c: null,
    shipmentDate1c: null,
    cancelled: null,
    status: state.status ?? null,
    statusId: null,
    counterparties: [],
    items: [],
    taxes: [],
    requisites: [],
    subordinateDocuments: [],
  };
}

export interface SaleOrdersHarness {
  readonly source: Pick<OnecSaleOrdersContribution, 'pending' | 'markExported'>;
  /** A new order or return (by its `operation`), or a change to one: it waits from now on, after all put before. */
  put(document: SaleDocument): Promise<void>;
}

/**
 * The promises of the orders side of the 1C sale exchange, for any implementation: a domain's contribution, its
 * in-memory double, or the connector's merge of several. `start` runs before each test with nothing waiting.
 * Orders of both types (`Заказ товара`, `Возврат товара`) are put, so the implementation must take both.
 */
export function describeSaleOrdersContract(name: string, start: () => Promise<SaleOrdersHarness>): void {
  describe(`${name} keeps the sale-orders contract`, () => {
    let harness: SaleOrdersHarness;
    const context = { exchangeSessionId: '00000000-0000-4000-8000-000000000001' };
    const pendingIds = async (limit = 100) => (await harness.source.pending(limit)).map((order) => order.ref.id);

    beforeEach(async () => {
      harness = await start();
    });

    it('serves the waiting orders oldest first, at most `limit`', async () => {
      await harness.put(saleDocument('A'));
      await harness.put(saleDocument('B', RETURN_TYPE));
      await harness.put(saleDocument('C'));
      expect(await pendingIds()).toEqual(['A', 'B', 'C']);
      expect(await pendingIds(2)).toEqual(['A', 'B']);
      const [first] = await harness.source.pending(1);
      expect(first.document).toEqual(saleDocument('A'));
    });

    it('keeps serving an order until 1C confirms it, then no more', async () => {
      await harness.put(saleDocument('A'));
      await harness.put(saleDocument('B', RETURN_TYPE));
      expect(await pendingIds()).toEqual(['A', 'B']);
      const sent = await harness.source.pending(100);
      expect(await pendingIds()).toEqual(['A', 'B']);
      await harness.source.markExported(
        sent.map((order) => order.ref),
        context,
      );
      expect(await pendingIds()).toEqual([]);
    });

    it('marks only the refs it is given', async () => {
      await harness.put(saleDocument('A'));
      await harness.put(saleDocument('B', RETURN_TYPE));
      const [a] = await harness.source.pending(1);
      await harness.source.markExported([a.ref], context);
      expect(await pendingIds()).toEqual(['B']);
    });

    it('serves an order changed between query and success again', async () => {
      await harness.put(saleDocument('A'));
      await harness.put(saleDocument('B', RETURN_TYPE));
      const sent = await harness.source.pending(100);
      await harness.put({ ...saleDocument('A'), amount: '150.00' });
      await harness.source.markExported(
        sent.map((order) => order.ref),
        context,
      );
      const [again] = await harness.source.pending(100);
      expect(again.document.amount).toBe('150.00');
      expect(again.ref.version).not.toBe(sent[0].ref.version);
      await harness.source.markExported([again.ref], context);
      expect(await pendingIds()).toEqual([]);
    });

    it('ignores a ref it does not know', async () => {
      await harness.put(saleDocument('A'));
      await harness.source.markExported([{ id: 'unknown', version: '1' }], context);
      expect(await pendingIds()).toEqual(['A']);
    });
  });
}

export interface SaleDocumentsHarness {
  readonly sink: Pick<OnecSaleDocumentsContribution, 'accept'>;
  /** The 1C state last applied to one of our documents, or undefined when none was. */
  applied(id: string): Promise<{ number1c: string | null; posted: boolean | null; status: string | null } | undefined>;
}

/**
 * The promises of the documents side of the 1C sale exchange, for any implementation: a domain's contribution,
 * its in-memory double, or the connector's routing over several. Documents of both types are accepted; `start`
 * runs before each test with the documents `A`, `B` (a return) and `C` known and nothing applied.
 */
export function describeSaleDocumentsContract(name: string, start: () => Promise<SaleDocumentsHarness>): void {
  describe(`${name} keeps the sale-documents contract`, () => {
    let harness: SaleDocumentsHarness;
    const file = { exchangeSessionId: '00000000-0000-4000-8000-000000000002', fileName: 'documents.xml' };
    const posted = (id: string, operation: string, number1c: string, ordinal = 0) =>
      documentFromOneC(id, operation, { number1c, posted: true, status: 'Отгружен' }, ordinal);

    beforeEach(async () => {
      harness = await start();
    });

    it("applies 1C's state to each document of a batch, orders and returns alike", async () => {
      await harness.sink.accept({
        ...file,
        documents: [posted('A', ORDER_TYPE, 'СА-1', 0), posted('B', RETURN_TYPE, 'ВЗ-1', 1)],
      });
      expect(await harness.applied('A')).toEqual({ number1c: 'СА-1', posted: true, status: 'Отгружен' });
      expect(await harness.applied('B')).toEqual({ number1c: 'ВЗ-1', posted: true, status: 'Отгружен' });
      expect(await harness.applied('C')).toBeUndefined();
    });

    it('applies the same batch twice to the same state', async () => {
      const batch = { ...file, documents: [posted('A', ORDER_TYPE, 'СА-1')] };
      await harness.sink.accept(batch);
      await harness.sink.accept(batch);
      expect(await harness.applied('A')).toEqual({ number1c: 'СА-1', posted: true, status: 'Отгружен' });
    });

    it('takes the state 1C sends later over the earlier one', async () => {
      await harness.sink.accept({ ...file, documents: [posted('A', ORDER_TYPE, 'СА-1')] });
      await harness.sink.accept({
        ...file,
        documents: [documentFromOneC('A', ORDER_TYPE, { number1c: 'СА-1', posted: false, status: 'Отменен' })],
      });
      expect(await harness.applied('A')).toEqual({ number1c: 'СА-1', posted: false, status: 'Отменен' });
    });
  });
}
