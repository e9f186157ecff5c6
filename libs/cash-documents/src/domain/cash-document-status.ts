/**
 * A cash document's life: `draft` (its author may still change it) → `submitted` (checked, queued for 1C) →
 * `sent_to_1c` → `posted` (1C's number and date; final: 1C is the source of truth) | `rejected_by_1c` (with the
 * reason, back to its author, who submits it again or cancels it). `cancelled` only before 1C has it.
 */
export const CASH_DOCUMENT_STATUSES = [
  'draft',
  'submitted',
  'sent_to_1c',
  'posted',
  'rejected_by_1c',
  'cancelled',
] as const;
export type CashDocumentStatus = (typeof CASH_DOCUMENT_STATUSES)[number];

export type CashActor = 'courier' | 'admin' | '1c' | 'system';

const MOVES: Readonly<Record<CashDocumentStatus, Partial<Record<CashDocumentStatus, readonly CashActor[]>>>> = {
  draft: { submitted: ['courier', 'admin', 'system'], cancelled: ['courier', 'admin'], posted: ['1c'] },
  submitted: { sent_to_1c: ['system'], cancelled: ['courier', 'admin'] },
  sent_to_1c: { posted: ['1c'], rejected_by_1c: ['1c'] },
  rejected_by_1c: { submitted: ['courier', 'admin'], cancelled: ['courier', 'admin'] },
  posted: {},
  cancelled: {},
};

export type CashTransition =
  | { readonly kind: 'apply' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'illegal'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string };

export function decideCashTransition(
  from: CashDocumentStatus,
  to: CashDocumentStatus,
  actor: CashActor,
): CashTransition {
  if (from === to) {
    return { kind: 'unchanged' };
  }
  const movers = MOVES[from][to];
  if (movers === undefined) {
    const next = Object.keys(MOVES[from]);
    return {
      kind: 'illegal',
      reason: next.length === 0 ? `${from} is final` : `it can only move to ${next.join(' or ')}`,
    };
  }
  if (!movers.includes(actor)) {
    return { kind: 'forbidden', reason: `${actor} cannot move a cash document to ${to}` };
  }
  return { kind: 'apply' };
}

/** The states in which a document holds what it settles, so no other document can settle it too. */
export function holdsSettlements(status: CashDocumentStatus): boolean {
  return status !== 'cancelled';
}
