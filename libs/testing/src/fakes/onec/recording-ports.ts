import { UnitOfWork } from '@app/core';
import {
  CatalogBatch,
  CatalogExchangeFinished,
  CatalogImportSink,
  ImportedFileSummary,
  OnecSaleDocumentsContribution,
  OnecSaleOrdersContribution,
  PendingSaleOrder,
  SaleDocument,
  SaleDocumentsBatch,
  SaleOrderRef,
} from '@app/onec';
import { Injectable, Module } from '@nestjs/common';

/** The document types the recording sale ports own: orders and returns, as the two domains will. */
export const RECORDING_SALE_DOCUMENT_TYPES = ['Заказ товара', 'Возврат товара'] as const;

/** Tables the recording ports write to; tests create them in their database before the exchange runs. */
export const ONEC_RECORDING_DDL = `
  CREATE TABLE IF NOT EXISTS test_onec_catalog_records (
    id bigserial PRIMARY KEY, session_id uuid NOT NULL, file_name text NOT NULL, ordinal integer NOT NULL,
    kind text NOT NULL, record_id text, pid integer NOT NULL);
  CREATE TABLE IF NOT EXISTS test_onec_catalog_events (
    id bigserial PRIMARY KEY, session_id uuid NOT NULL, event text NOT NULL, file_name text, payload jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS test_onec_sale_documents (
    id bigserial PRIMARY KEY, session_id uuid NOT NULL, file_name text NOT NULL, ordinal integer NOT NULL,
    document_id text NOT NULL, payload jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS test_onec_sale_orders (
    id text PRIMARY KEY, version integer NOT NULL DEFAULT 1, document jsonb NOT NULL,
    waiting_since timestamptz NOT NULL DEFAULT clock_timestamp(),
    exported_version integer, exported_session uuid, exported_at timestamptz,
    number_1c text, posted boolean, paid boolean, shipped boolean, payment_number_1c text, status_1c text);
  CREATE TABLE IF NOT EXISTS test_onec_switches (name text PRIMARY KEY);`;

/** While a row with this name is in test_onec_switches, the recording catalog sink throws. */
export const CATALOG_SINK_FAILS = 'catalog-sink-fails';

/**
 * Records every catalog record it receives as a row, without a unique constraint on purpose: a record delivered
 * twice shows up as two rows. It writes through the exchange's transaction, as a real sink should.
 */
@Injectable()
export class RecordingCatalogImportSink extends CatalogImportSink {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  async deliver(batch: CatalogBatch): Promise<void> {
    const manager = this.unitOfWork.manager;
    const [switched] = await manager.query<unknown[]>('SELECT 1 FROM test_onec_switches WHERE name = $1', [
      CATALOG_SINK_FAILS,
    ]);
    if (switched) {
      throw new Error('the recording catalog sink is switched to fail');
    }
    await manager.query(
      `INSERT INTO test_onec_catalog_records (session_id, file_name, ordinal, kind, record_id, pid)
       SELECT $1, $2, ordinal, kind, record_id, $3
         FROM unnest($4::integer[], $5::text[], $6::text[]) AS r(ordinal, kind, record_id)`,
      [
        batch.exchangeSessionId,
        batch.fileName,
        process.pid,
        batch.records.map((record) => record.ordinal),
        batch.records.map((record) => record.kind),
        batch.records.map((record) => ('id' in record ? record.id : null)),
      ],
    );
  }

  async fileCompleted(file: ImportedFileSummary): Promise<void> {
    await this.event(file.exchangeSessionId, 'file_completed', file.fileName, file);
  }

  async exchangeFinished(event: CatalogExchangeFinished): Promise<void> {
    await this.event(event.exchangeSessionId, event.mode, null, event);
  }

  private async event(sessionId: string, event: string, fileName: string | null, payload: unknown): Promise<void> {
    await this.unitOfWork.manager.query(
      'INSERT INTO test_onec_catalog_events (session_id, event, file_name, payload) VALUES ($1, $2, $3, $4)',
      [sessionId, event, fileName, JSON.stringify(payload)],
    );
  }
}

/** Orders waiting for 1C, from test_onec_sale_orders (`seedSaleOrders`); marked exported per version. */
@Injectable()
export class TableSaleOrdersSource extends OnecSaleOrdersContribution {
  readonly documentTypes = RECORDING_SALE_DOCUMENT_TYPES;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  async pending(limit: number): Promise<PendingSaleOrder[]> {
    const rows = await this.unitOfWork.manager.query<
      { id: string; version: number; document: SaleDocument; waiting_since: Date }[]
    >(
      `SELECT id, version, document, waiting_since FROM test_onec_sale_orders
        WHERE exported_version IS DISTINCT FROM version ORDER BY waiting_since, id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      ref: { id: row.id, version: String(row.version) },
      document: row.document,
      waitingSince: row.waiting_since,
    }));
  }

  async markExported(refs: readonly SaleOrderRef[], context: { exchangeSessionId: string }): Promise<void> {
    for (const ref of refs) {
      await this.unitOfWork.manager.query(
        `UPDATE test_onec_sale_orders
            SET exported_version = version, exported_session = $3, exported_at = now()
          WHERE id = $1 AND version = $2::integer`,
        [ref.id, ref.version, context.exchangeSessionId],
      );
    }
  }
}

/** Records 1C's documents and applies their 1C state to test_onec_sale_orders. */
@Injectable()
export class RecordingSaleDocumentsSink extends OnecSaleDocumentsContribution {
  readonly documentTypes = RECORDING_SALE_DOCUMENT_TYPES;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  async accept(batch: SaleDocumentsBatch): Promise<void> {
    const manager = this.unitOfWork.manager;
    for (const document of batch.documents) {
      await manager.query(
        `INSERT INTO test_onec_sale_documents (session_id, file_name, ordinal, document_id, payload)
         VALUES ($1, $2, $3, $4, $5)`,
        [batch.exchangeSessionId, batch.fileName, document.ordinal, document.id, JSON.stringify(document)],
      );
      await manager.query(
        `UPDATE test_onec_sale_orders
            SET number_1c = $2, posted = $3, paid = $4, shipped = $5, payment_number_1c = $6, status_1c = $7
          WHERE id = $1`,
        [
          document.id,
          document.number1c,
          document.posted,
          document.paid,
          document.shipped,
          document.paymentNumber1c,
          document.status,
        ],
      );
    }
  }
}

/**
 * Plugs the recording adapters above into the 1C exchange the way a domain module does: by providing them. Import
 * it into an API under test (and create ONEC_RECORDING_DDL in its database).
 */
@Module({ providers: [RecordingCatalogImportSink, TableSaleOrdersSource, RecordingSaleDocumentsSink] })
export class RecordingOnecPortsModule {}

/** Puts orders in the recording source's table (`version` bumps re-queue an exported order, as the newest). */
export async function seedSaleOrders(
  query: (sql: string, parameters: unknown[]) => Promise<unknown>,
  orders: readonly { document: SaleDocument; version?: number }[],
): Promise<void> {
  for (const order of orders) {
    await query(
      `INSERT INTO test_onec_sale_orders (id, version, document) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE
         SET version = EXCLUDED.version, document = EXCLUDED.document, waiting_since = clock_timestamp()`,
      [order.document.id, order.version ?? 1, JSON.stringify(order.document)],
    );
  }
}
