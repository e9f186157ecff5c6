import { UnitOfWork } from '@app/core';
import {
  createTestEnvironment,
  describeSaleDocumentsContract,
  describeSaleOrdersContract,
  ONEC_RECORDING_DDL,
  RecordingSaleDocumentsSink,
  saleDocument,
  seedSaleOrders,
  TableSaleOrdersSource,
  TestEnvironment,
} from '@app/testing';
import { DataSource } from 'typeorm';

// The recording ports stand in for instant orders and returns in the exchange e2e tests: they keep the same
// contracts as the in-memory doubles and the connector's composites.
let env: TestEnvironment;
let dataSource: DataSource;
let unitOfWork: UnitOfWork;
const query = (sql: string, parameters: unknown[] = []) => dataSource.query(sql, parameters);

beforeAll(async () => {
  env = await createTestEnvironment();
  dataSource = await new DataSource({ type: 'postgres', url: env.databaseUrl, extra: { max: 2 } }).initialize();
  await dataSource.query(ONEC_RECORDING_DDL);
  unitOfWork = new UnitOfWork(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await env?.dispose();
});

describeSaleOrdersContract('TableSaleOrdersSource (recording)', async () => {
  await query('TRUNCATE test_onec_sale_orders');
  const versions = new Map<string, number>();
  return {
    source: new TableSaleOrdersSource(unitOfWork),
    put: async (document) => {
      versions.set(document.id, (versions.get(document.id) ?? 0) + 1);
      await seedSaleOrders(query, [{ document, version: versions.get(document.id) }]);
    },
  };
});

describeSaleDocumentsContract('RecordingSaleDocumentsSink (recording)', async () => {
  await query('TRUNCATE test_onec_sale_orders, test_onec_sale_documents');
  await seedSaleOrders(query, [
    { document: saleDocument('A') },
    { document: saleDocument('B', 'Возврат товара') },
    { document: saleDocument('C') },
  ]);
  const sink = new RecordingSaleDocumentsSink(unitOfWork);
  return {
    // The recording sink writes through the exchange's transaction, as the exchange calls it.
    sink: { accept: (batch) => unitOfWork.run(() => sink.accept(batch)) },
    applied: async (id) => {
      const [row] = (await query('SELECT number_1c, posted, status_1c FROM test_onec_sale_orders WHERE id = $1', [
        id,
      ])) as { number_1c: string | null; posted: boolean | null; status_1c: string | null }[];
      return row && (row.number_1c ?? row.posted ?? row.status_1c) !== null
        ? { number1c: row.number_1c, posted: row.posted, status: row.status_1c }
        : undefined;
    },
  };
});
