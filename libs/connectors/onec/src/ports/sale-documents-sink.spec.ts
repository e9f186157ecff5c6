import { Logger } from '@nestjs/common';
import { InMemorySaleDocuments } from '../../../../testing/src/fakes/onec/sale-port-doubles';
import {
  describeSaleDocumentsContract,
  documentFromOneC,
  ORDER_TYPE,
  RETURN_TYPE,
} from '../../../../testing/src/fakes/onec/sale-ports.contract';
import { DocumentTypeOwners } from './document-type-owners';
import type { SaleDocumentsBatch } from './sale-documents-contribution.port';
import { SaleDocumentsSink } from './sale-documents-sink';

beforeAll(() => {
  Logger.overrideLogger(false);
});

const file = { exchangeSessionId: '00000000-0000-4000-8000-000000000004', fileName: 'v8_8789_c.xml' };

function twoDomains() {
  const orders = new InMemorySaleDocuments([ORDER_TYPE]);
  const returns = new InMemorySaleDocuments([RETURN_TYPE]);
  const unrouted: SaleDocumentsBatch[] = [];
  const sink = new SaleDocumentsSink(
    new DocumentTypeOwners('OnecSaleDocumentsContribution', [orders, returns]),
    (batch) => Promise.resolve(void unrouted.push(batch)),
  );
  return { orders, returns, unrouted, sink };
}

describeSaleDocumentsContract('SaleDocumentsSink over two contributions', () => {
  const { orders, returns, sink } = twoDomains();
  return Promise.resolve({
    sink,
    applied: (id) => {
      const document = orders.applied.get(id) ?? returns.applied.get(id);
      return Promise.resolve(
        document && { number1c: document.number1c, posted: document.posted, status: document.status },
      );
    },
  });
});

describe('SaleDocumentsSink', () => {
  it("routes each of 1C's documents to the owner of its ХозОперация only, in file order", async () => {
    const { orders, returns, unrouted, sink } = twoDomains();
    await sink.accept({
      ...file,
      documents: [
        documentFromOneC('O1', ORDER_TYPE, {}, 0),
        documentFromOneC('R1', ' возврат  товара', {}, 1),
        documentFromOneC('O2', ORDER_TYPE, {}, 2),
      ],
    });
    expect(orders.deliveries.map((batch) => ({ ...batch, documents: batch.documents.map((d) => d.id) }))).toEqual([
      { ...file, documents: ['O1', 'O2'] },
    ]);
    expect(returns.deliveries.map((batch) => batch.documents.map((d) => d.id))).toEqual([['R1']]);
    expect(unrouted).toEqual([]);
  });

  it('reports the documents of no registered type instead of dropping them, and applies the rest', async () => {
    const { orders, unrouted, sink } = twoDomains();
    await sink.accept({
      ...file,
      documents: [
        documentFromOneC('S1', 'Реализация товаров', {}, 0),
        documentFromOneC('O1', ORDER_TYPE, {}, 1),
        documentFromOneC('X1', null, {}, 2),
      ],
    });
    expect([...orders.applied.keys()]).toEqual(['O1']);
    expect(unrouted.map((batch) => ({ ...batch, documents: batch.documents.map((d) => d.id) }))).toEqual([
      { ...file, documents: ['S1', 'X1'] },
    ]);
  });

  it('reports every document while no contribution is registered', async () => {
    const unrouted: SaleDocumentsBatch[] = [];
    const sink = new SaleDocumentsSink(new DocumentTypeOwners('OnecSaleDocumentsContribution', []), (batch) =>
      Promise.resolve(void unrouted.push(batch)),
    );
    await sink.accept({ ...file, documents: [documentFromOneC('O1', ORDER_TYPE)] });
    expect(unrouted.map((batch) => batch.documents.map((d) => d.id))).toEqual([['O1']]);
  });

  it('fails the whole batch when an owner fails, so the exchange retries it', async () => {
    const { orders, sink } = twoDomains();
    jest.spyOn(orders, 'accept').mockRejectedValue(new Error('database down'));
    await expect(sink.accept({ ...file, documents: [documentFromOneC('O1', ORDER_TYPE)] })).rejects.toThrow(
      'database down',
    );
  });
});
