// Registers the lib's configuration section (`config.cashDocuments`) with core's loader before anything loads it.
import './cash-documents.config';

// The cash documents' public surface: their modules for the apps, the events the other domains report cash with,
// their vocabulary, and their entities.
export * from './cash-documents.module';
export * from './cash-documents-api.module';
export * from './cash-documents-worker.module';
export * from './cash-events';
export { CashDocumentsService } from './application/cash-documents.service';
export * from './domain/cash-document-status';
export { CASH_OPERATIONS, type CashOperation } from './domain/cash-document';
export { CASH_DOCUMENT_SUBMITTED } from './infrastructure/outbox-cash-publication.adapter';

import { CashCollectionEntity, CashLedgerEntryEntity } from './infrastructure/cash-book.entities';
import { CashDocumentEntity } from './infrastructure/cash-document.entity';

/** Entities owned by the cash documents; migrations/schema.ts lists every lib's. */
export const CASH_DOCUMENTS_ENTITIES = [CashDocumentEntity, CashCollectionEntity, CashLedgerEntryEntity];
