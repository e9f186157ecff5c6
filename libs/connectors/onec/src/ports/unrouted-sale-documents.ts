import { IntegrationLogService } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { DocumentRecord } from '../commerceml/commerceml.records';
import { OnecMetrics } from '../onec.metrics';
import { append } from './document-type-owners';
import type { SaleDocumentsBatch } from './sale-documents-contribution.port';

const NO_TYPE = '(none)';

/**
 * Makes the documents no contribution owns visible instead of dropping them silently: per document type and batch
 * one warning line, one IntegrationLog row (`GET /api/v1/admin/integration-log?system=onec&outcome=failure`) with
 * the documents' ids, and `onec_sale_documents_unrouted_total`.
 */
@Injectable()
export class UnroutedSaleDocuments {
  private readonly logger = new Logger('OnecSaleDocuments');

  constructor(
    private readonly integrationLog: IntegrationLogService,
    private readonly metrics: OnecMetrics,
  ) {}

  async report(batch: SaleDocumentsBatch): Promise<void> {
    const byType = new Map<string, DocumentRecord[]>();
    for (const document of batch.documents) {
      const type = document.operation?.trim() || NO_TYPE;
      append(byType, type, document);
    }
    for (const [type, documents] of byType) {
      const message =
        `${documents.length} document(s) from 1C with ХозОперация "${type}" were not applied: ` +
        'no OnecSaleDocumentsContribution owns that type';
      const ids = documents.map((document) => document.id);
      this.metrics.saleDocumentsUnrouted.inc({ operation: type.slice(0, 64) }, documents.length);
      this.logger.warn(
        { exchangeSessionId: batch.exchangeSessionId, file: batch.fileName, operation: type, documentIds: ids },
        message,
      );
      await this.integrationLog.record({
        direction: 'inbound',
        system: 'onec',
        operation: 'exchange.sale.documents.unrouted',
        outcome: 'failure',
        entityType: 'onec_document_type',
        entityId: type.slice(0, 128),
        requestBody: {
          exchangeSessionId: batch.exchangeSessionId,
          fileName: batch.fileName,
          documents: documents.map(({ id, number, number1c, date }) => ({ id, number, number1c, date })),
        },
        errorCode: 'ONEC_DOCUMENT_TYPE_UNREGISTERED',
        errorMessage: message,
      });
    }
  }
}
