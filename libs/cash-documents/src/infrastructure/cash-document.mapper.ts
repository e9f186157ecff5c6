import type { CashDocument, CashDocumentKind, CashDocumentOrigin, CashOperation } from '../domain/cash-document';
import type { CashDocumentStatus } from '../domain/cash-document-status';
import type { CashDocumentEntity } from './cash-document.entity';

/** `КД-000042`: short enough to say on the phone, and the document's `Номер` until 1C gives its own. */
export const cashDocumentNumber = (numberSeq: string) => `КД-${numberSeq.padStart(6, '0')}`;

const date = (value: Date | string) => new Date(value);
const optionalDate = (value: Date | string | null) => (value === null ? null : date(value));

export function toCashDocument(row: CashDocumentEntity): CashDocument {
  return {
    id: row.id,
    number: cashDocumentNumber(String(row.numberSeq)),
    kind: row.kind as CashDocumentKind,
    operation: row.operation as CashOperation,
    status: row.status as CashDocumentStatus,
    courierId: row.courierId,
    cashDeskId: row.cashDeskId,
    counterpartyId: row.counterpartyId,
    amount: row.amount,
    purpose: row.purpose,
    cashFlowItem: row.cashFlowItem,
    vatIncluded: row.vatIncluded,
    settles: row.settles,
    advanceId: row.advanceId,
    lines: row.lines,
    origin: row.origin as CashDocumentOrigin,
    originKey: row.originKey,
    onec: row.onec === null ? null : { ...row.onec, postedAt: date(row.onec.postedAt) },
    rejectionReason: row.rejectionReason,
    submittedAt: optionalDate(row.submittedAt),
    sentAt: optionalDate(row.sentAt),
    version: row.version,
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

/** The row of a document; `numberSeq` is the database's to give. */
export function toEntity(document: Omit<CashDocument, 'number'>): Omit<CashDocumentEntity, 'numberSeq'> {
  return {
    id: document.id,
    kind: document.kind,
    operation: document.operation,
    status: document.status,
    courierId: document.courierId,
    cashDeskId: document.cashDeskId,
    counterpartyId: document.counterpartyId,
    amount: document.amount,
    purpose: document.purpose,
    cashFlowItem: document.cashFlowItem,
    vatIncluded: document.vatIncluded,
    settles: [...document.settles],
    advanceId: document.advanceId,
    lines: [...document.lines],
    origin: document.origin,
    originKey: document.originKey,
    onec: document.onec,
    postedAmount: document.onec?.amount ?? null,
    rejectionReason: document.rejectionReason,
    submittedAt: document.submittedAt,
    sentAt: document.sentAt,
    version: document.version,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
