/**
 * A delivery's life. The middleware leads it: 1C creates and may cancel a task before dispatch, the courier (in
 * Bitrix24 or over REST) moves it to an outcome, 1C's acknowledgement of that outcome closes it.
 */
export const DELIVERY_STATUSES = [
  'new',
  'assigned',
  'accepted',
  'in_transit',
  'delivered',
  'partially_delivered',
  'failed',
  'cancelled',
  'closed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Who asks for a change; a Bitrix24 stage move is the courier's act in the portal. */
export const DELIVERY_ACTORS = ['1c', 'courier', 'bitrix24', 'admin'] as const;
export type DeliveryActor = (typeof DELIVERY_ACTORS)[number];

/** The outcomes a courier reports; each emits one execution confirmation to 1C. */
export const OUTCOME_STATUSES = ['delivered', 'partially_delivered', 'failed'] as const satisfies DeliveryStatus[];
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/** States no ordinary transition leaves: only an audited admin correction does. */
export const TERMINAL_STATUSES = [...OUTCOME_STATUSES, 'cancelled', 'closed'] as const satisfies DeliveryStatus[];

/** Before dispatch: 1C may still change or cancel the task. */
export const UNDISPATCHED_STATUSES = ['new', 'assigned', 'accepted'] as const satisfies DeliveryStatus[];

export function isOutcome(status: DeliveryStatus): status is OutcomeStatus {
  return (OUTCOME_STATUSES as readonly DeliveryStatus[]).includes(status);
}

export function isTerminal(status: DeliveryStatus): boolean {
  return (TERMINAL_STATUSES as readonly DeliveryStatus[]).includes(status);
}

export function isDispatched(status: DeliveryStatus): boolean {
  return !(UNDISPATCHED_STATUSES as readonly DeliveryStatus[]).includes(status);
}

const COURIER: readonly DeliveryActor[] = ['courier', 'bitrix24', 'admin'];
const ONEC: readonly DeliveryActor[] = ['1c', 'admin'];

/**
 * Every ordinary transition and who may make it (docs/integrations/deliveries.md shows this table). Anything not
 * listed is illegal; `admin` may make every listed move on anyone's behalf.
 */
export const TRANSITIONS: Readonly<Record<DeliveryStatus, Partial<Record<DeliveryStatus, readonly DeliveryActor[]>>>> =
  {
    new: { assigned: ONEC, cancelled: ONEC },
    assigned: { accepted: COURIER, cancelled: ONEC },
    accepted: { in_transit: COURIER, cancelled: ONEC },
    in_transit: { delivered: COURIER, partially_delivered: COURIER, failed: COURIER },
    delivered: { closed: ONEC },
    partially_delivered: { closed: ONEC },
    failed: { closed: ONEC },
    cancelled: {},
    closed: {},
  };

/**
 * An admin correction of a terminal state, always with a reason and audited: an outcome (even a closed one)
 * reported wrongly becomes another outcome, and a task cancelled by mistake is reinstated as new.
 */
function correctionAllowed(from: DeliveryStatus, to: DeliveryStatus): boolean {
  if (from === 'cancelled') {
    return to === 'new';
  }
  return (isOutcome(from) || from === 'closed') && isOutcome(to) && to !== from;
}

export type TransitionDecision =
  | { readonly kind: 'apply'; readonly correction: boolean }
  /** Already there: a repeated webhook or request changes nothing and is not an error. */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'illegal'; readonly reason: string }
  | { readonly kind: 'forbidden'; readonly reason: string };

/**
 * Whether `actor` may move a delivery from `from` to `to`. `correctionReason` marks an admin's deliberate
 * correction of a terminal state; without one, terminal states stay put.
 */
export function decideTransition(
  from: DeliveryStatus,
  to: DeliveryStatus,
  actor: DeliveryActor,
  correctionReason?: string,
): TransitionDecision {
  if (from === to) {
    return { kind: 'unchanged' };
  }
  const allowed = TRANSITIONS[from][to];
  if (allowed) {
    return allowed.includes(actor)
      ? { kind: 'apply', correction: false }
      : { kind: 'forbidden', reason: `${actor} may not move a delivery from ${from} to ${to}` };
  }
  if (isTerminal(from) && correctionAllowed(from, to)) {
    if (actor !== 'admin') {
      return { kind: 'forbidden', reason: `only an admin correction changes a ${from} delivery` };
    }
    return correctionReason?.trim()
      ? { kind: 'apply', correction: true }
      : { kind: 'illegal', reason: `correcting a ${from} delivery to ${to} needs a reason` };
  }
  return { kind: 'illegal', reason: `a ${from} delivery cannot become ${to}` };
}
