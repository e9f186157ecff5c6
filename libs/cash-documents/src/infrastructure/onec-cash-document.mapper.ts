import { toLocalDateTime } from '@app/onec';
import { CASH_OPERATIONS, type CashDocument } from '../domain/cash-document';

/** 1C's document types (`Документ.<name>` in УТ 11) for each kind. */
const ONEC_DOCUMENT_TYPES = {
  cash_receipt: 'ПриходныйКассовыйОрдер',
  cash_disbursement: 'РасходныйКассовыйОрдер',
  advance_report: 'АвансовыйОтчет',
} as const;

/**
 * A cash document as 1C's HTTP service (or its pull feed) receives it: our id as 1C's `Ид` (so a resend updates
 * rather than duplicates), 1C's document type and business operation by their names, the date in 1C's time zone,
 * the courier as the accountable person and the documents it is based on, with each customer payment's fiscal
 * receipt. Field names follow 1C's requisites (docs/integrations/cash-documents.md maps each).
 */
export function toOnecCashDocument(document: CashDocument, courierName: string | null, timeZone: string) {
  const local = toLocalDateTime(document.submittedAt ?? document.createdAt, timeZone);
  return {
    id: document.id,
    number: document.number,
    date: local.dateTime,
    documentType: ONEC_DOCUMENT_TYPES[document.kind],
    operation: CASH_OPERATIONS[document.operation].onec,
    cashDeskId: document.cashDeskId,
    amount: document.amount,
    currency: 'RUB',
    accountablePerson: { id: document.courierId, name: courierName },
    counterpartyId: document.counterpartyId,
    basis: document.purpose,
    cashFlowItem: document.cashFlowItem,
    vatIncluded: document.vatIncluded,
    baseDocuments: document.settles.map((item) => ({
      type: item.type,
      id: item.id,
      amount: item.amount,
      fiscalReceipt: item.fiscalReceipt,
    })),
    advanceId: document.advanceId,
    expenses: document.lines,
  };
}
