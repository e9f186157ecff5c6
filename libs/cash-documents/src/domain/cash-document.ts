import type { CashDocumentStatus } from './cash-document-status';

/** ПКО, РКО and the courier's advance report (авансовый отчёт), as 1C:УТ 11 has them. */
export const CASH_DOCUMENT_KINDS = ['cash_receipt', 'cash_disbursement', 'advance_report'] as const;
export type CashDocumentKind = (typeof CASH_DOCUMENT_KINDS)[number];

/**
 * The business operations (1C's `ХозяйственнаяОперация`) a courier's cash meets, each with its document kind, the
 * name 1C knows it by, and how its posting moves the courier's ledger: which account, and in which direction.
 */
export const CASH_OPERATIONS = {
  /** The courier hands customers' cash in at the cash desk: one ПКО settles the collections it lists. */
  customer_payment: {
    kind: 'cash_receipt',
    onec: 'Поступление оплаты от клиента',
    account: 'cash_on_hand',
    sign: -1,
  },
  /** The unspent rest of an advance comes back to the cash desk. */
  accountable_return: {
    kind: 'cash_receipt',
    onec: 'Возврат денежных средств от подотчетника',
    account: 'advance',
    sign: -1,
  },
  /** Cash the courier paid back to a customer on a return. */
  customer_refund: { kind: 'cash_disbursement', onec: 'Возврат оплаты клиенту', account: 'cash_on_hand', sign: -1 },
  /** An advance issued to the courier (подотчёт), to be reported. */
  advance_issue: {
    kind: 'cash_disbursement',
    onec: 'Выдача денежных средств подотчетнику',
    account: 'advance',
    sign: 1,
  },
  /** A change fund for the courier's register, to be handed back with the day's cash. */
  change_fund: {
    kind: 'cash_disbursement',
    onec: 'Выдача денежных средств в кассу ККМ',
    account: 'cash_on_hand',
    sign: 1,
  },
  /** What the courier spent of an advance, line by line. */
  expense_report: { kind: 'advance_report', onec: 'Авансовый отчет', account: 'advance', sign: -1 },
} as const satisfies Record<string, { kind: CashDocumentKind; onec: string; account: LedgerAccount; sign: 1 | -1 }>;

export type CashOperation = keyof typeof CASH_OPERATIONS;
export const CASH_OPERATION_NAMES = Object.keys(CASH_OPERATIONS) as CashOperation[];

/** The two things a courier answers for: customers' cash not yet handed in, and advances not yet reported. */
export const LEDGER_ACCOUNTS = ['cash_on_hand', 'advance'] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];

/** What a cash document settles: a sale whose cash the courier took, a return it paid back, an advance. */
export const SETTLED_TYPES = ['delivery', 'instant_order', 'return', 'cash_document'] as const;
export type SettledType = (typeof SETTLED_TYPES)[number];

/**
 * The requisites of the fiscal receipt the courier's register printed for cash taken from a customer (54-ФЗ): the
 * fiscal drive (ФН), the fiscal document's number (ФД) and its fiscal sign (ФП), when it was printed, the
 * settlement method (tag 1214: 4 is full payment at handover, cash on delivery's) and the VAT per rate (tag 1199:
 * 1 without VAT, 2 0 %, 3 10 %, 5 10/110, 11 22 %, 12 22/122, and the older and reduced rates).
 */
export interface FiscalReceipt {
  readonly fiscalDriveNumber: string;
  readonly documentNumber: string;
  readonly fiscalSign: string;
  readonly printedAt: string;
  readonly settlementMethod: number;
  readonly vat: readonly { readonly rateCode: number; readonly amount: string }[];
}

export interface Settlement {
  readonly type: SettledType;
  readonly id: string;
  /** The part of the document's amount this item takes. */
  readonly amount: string;
  readonly fiscalReceipt: FiscalReceipt | null;
}

/** A line of an advance report: what was bought, when, for how much, on which paper. */
export interface ExpenseLine {
  readonly category: string;
  readonly amount: string;
  readonly date: string;
  readonly documentRef: string;
  readonly description: string | null;
}

/** 1C's answer: the number and date it gave the document and the amount it posted (1C is the truth once posted). */
export interface OnecPosting {
  readonly documentNumber: string;
  readonly documentDate: string;
  readonly amount: string;
  readonly postedAt: Date;
}

export type CashDocumentOrigin = 'courier' | 'admin' | '1c' | 'system';

export interface CashDocumentContent {
  readonly operation: CashOperation;
  readonly courierId: string;
  readonly cashDeskId: string | null;
  readonly counterpartyId: string | null;
  readonly amount: string;
  /** 1C's `Основание`, at most 250 characters. */
  readonly purpose: string | null;
  /** 1C's `СтатьяДвиженияДенежныхСредств`, where the cash desk asks for one. */
  readonly cashFlowItem: string | null;
  /** The VAT the amount includes (1C's `ВТомЧислеНДС`), for a customer's payment. */
  readonly vatIncluded: string | null;
  readonly settles: readonly Settlement[];
  /** The advance an advance report or an unspent rest's ПКО closes. */
  readonly advanceId: string | null;
  readonly lines: readonly ExpenseLine[];
}

export interface CashDocument extends CashDocumentContent {
  readonly id: string;
  /** `КД-000042`, 1C's `Номер` until 1C gives its own. */
  readonly number: string;
  readonly kind: CashDocumentKind;
  readonly status: CashDocumentStatus;
  readonly origin: CashDocumentOrigin;
  /** For documents raised from another record (a return's refund, an advance report's rest): one per source. */
  readonly originKey: string | null;
  readonly onec: OnecPosting | null;
  readonly rejectionReason: string | null;
  readonly submittedAt: Date | null;
  readonly sentAt: Date | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function kindOf(operation: CashOperation): CashDocumentKind {
  return CASH_OPERATIONS[operation].kind;
}
