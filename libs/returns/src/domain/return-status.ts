/**
 * A return's life, led by the middleware: `requested` by the courier → `approved` | `rejected` (an operator, or the
 * auto-approval rule) → `picked_up` (the courier has the goods) → `received` (at the warehouse, with the quantities
 * counted there) → `posted` (1C posted «Возврат товаров от клиента») → `closed` (nothing left to settle).
 */
export const RETURN_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'picked_up',
  'received',
  'posted',
  'closed',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** Who moves a return: its courier, an operator (the back office or the warehouse), 1C, or our own rules. */
export type ReturnActor = 'courier' | 'admin' | '1c' | 'system';

/** Each legal move and who may make it; every other pair is illegal. */
const MOVES: Readonly<Record<ReturnStatus, Partial<Record<ReturnStatus, readonly ReturnActor[]>>>> = {
  requested: { approved: ['admin', 'system'], rejected: ['admin'] },
  approved: { picked_up: ['courier', 'admin'], rejected: ['admin'] },
  rejected: {},
  picked_up: { received: ['admin'] },
  received: { posted: ['1c'] },
  posted: { closed: ['admin', 'system'] },
  closed: {},
};

export type ReturnTransition =
  | { readonly kind: 'apply' }
  /** Already there: answered with the return as it is (a repeat, not an error). */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'illegal'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string };

export function decideReturnTransition(from: ReturnStatus, to: ReturnStatus, actor: ReturnActor): ReturnTransition {
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
    return { kind: 'forbidden', reason: `${actor} cannot move a return to ${to}` };
  }
  return { kind: 'apply' };
}

/** The states whose quantities count against what the original sale can still give back. */
export function countsAgainstSale(status: ReturnStatus): boolean {
  return status !== 'rejected';
}
