/**
 * An instant order's life, led by the middleware: `draft` (taken from Bitrix24, not yet checked) → `accepted`
 * (checked against the mirror, stock reserved) → `sent_to_1c` (1C took it: `sale/success`, or pushed to 1C's HTTP
 * service) → `posted` | `rejected_by_1c` (1C's answer, final). `cancelled` only before 1C took it.
 */
export const INSTANT_ORDER_STATUSES = [
  'draft',
  'accepted',
  'sent_to_1c',
  'posted',
  'rejected_by_1c',
  'cancelled',
] as const;
export type InstantOrderStatus = (typeof INSTANT_ORDER_STATUSES)[number];

/** Who moves an order: its courier (over REST or in Bitrix24), an operator, 1C, or our own rules. */
export type InstantOrderActor = 'courier' | 'admin' | '1c' | 'system';

const MOVES: Readonly<Record<InstantOrderStatus, readonly InstantOrderStatus[]>> = {
  draft: ['accepted', 'cancelled'],
  accepted: ['sent_to_1c', 'posted', 'rejected_by_1c', 'cancelled'],
  sent_to_1c: ['posted', 'rejected_by_1c'],
  posted: [],
  rejected_by_1c: [],
  cancelled: [],
};

/** Who may make each move: the courier and operators cancel; 1C's exchange sends and answers; our rules accept. */
const MOVERS: Readonly<Record<InstantOrderStatus, readonly InstantOrderActor[]>> = {
  draft: [],
  accepted: ['system'],
  sent_to_1c: ['1c', 'system'],
  posted: ['1c'],
  rejected_by_1c: ['1c'],
  cancelled: ['courier', 'admin'],
};

export type TransitionDecision =
  | { readonly kind: 'apply' }
  /** Already there: the request is answered with the order as it is (a repeat, not an error). */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'illegal'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string };

/**
 * Whether `actor` may move an order from `from` to `to`. 1C may post an order it never confirmed with `success`
 * (its answer proves it took it), so `accepted → posted | rejected_by_1c` is legal.
 */
export function decideTransition(
  from: InstantOrderStatus,
  to: InstantOrderStatus,
  actor: InstantOrderActor,
): TransitionDecision {
  if (from === to) {
    return { kind: 'unchanged' };
  }
  if (!MOVES[from].includes(to)) {
    return isFinal(from)
      ? { kind: 'illegal', reason: `${from} is final` }
      : { kind: 'illegal', reason: `it cannot move to ${to}${to === 'cancelled' ? ' once 1C took it' : ''}` };
  }
  if (!MOVERS[to].includes(actor)) {
    return { kind: 'forbidden', reason: `${actor} cannot move an order to ${to}` };
  }
  return { kind: 'apply' };
}

export function isFinal(status: InstantOrderStatus): boolean {
  return MOVES[status].length === 0;
}

/** The states in which the order's reserved stock still counts against the courier's warehouse. */
export function holdsReservation(status: InstantOrderStatus): boolean {
  return status === 'accepted' || status === 'sent_to_1c' || status === 'posted';
}
