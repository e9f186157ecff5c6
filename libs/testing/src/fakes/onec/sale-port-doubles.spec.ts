import {
  ORDER_TYPE,
  RETURN_TYPE,
  describeSaleDocumentsContract,
  describeSaleOrdersContract,
} from './sale-ports.contract';
import { InMemorySaleDocuments, InMemorySaleOrders } from './sale-port-doubles';

describeSaleOrdersContract('InMemorySaleOrders (the double)', () => {
  const orders = new InMemorySaleOrders([ORDER_TYPE, RETURN_TYPE]);
  return Promise.resolve({ source: orders, put: (document) => Promise.resolve(orders.put(document)) });
});

describeSaleDocumentsContract('InMemorySaleDocuments (the double)', () => {
  const documents = new InMemorySaleDocuments([ORDER_TYPE, RETURN_TYPE]);
  return Promise.resolve({
    sink: documents,
    applied: (id) => {
      const document = documents.applied.get(id);
      return Promise.resolve(
        document && { number1c: document.number1c, posted: document.posted, status: document.status },
      );
    },
  });
});
