import {
  decideTransition,
  holdsReservation,
  INSTANT_ORDER_STATUSES,
  type InstantOrderActor,
  type InstantOrderStatus,
  isFinal,
} from './instant-order-status';

const ACTORS: InstantOrderActor[] = ['courier', 'admin', '1c', 'system'];

/**
 * The specification, written out move by move from the source's and docs/integrations/instant-orders.md's table:
 * `draft → accepted` by our rules; `→ sent_to_1c` by 1C's `sale/success` or our push; `→ posted | rejected_by_1c`
 * by 1C only (also straight from `accepted`: 1C's answer proves it took it); `→ cancelled` by the courier or an
 * operator, only before 1C took it. Every other pair of distinct states is illegal for everyone.
 */
const LEGAL: [InstantOrderStatus, InstantOrderStatus, InstantOrderActor[]][] = [
  ['draft', 'accepted', ['system']],
  ['draft', 'cancelled', ['courier', 'admin']],
  ['accepted', 'sent_to_1c', ['1c', 'system']],
  ['accepted', 'posted', ['1c']],
  ['accepted', 'rejected_by_1c', ['1c']],
  ['accepted', 'cancelled', ['courier', 'admin']],
  ['sent_to_1c', 'posted', ['1c']],
  ['sent_to_1c', 'rejected_by_1c', ['1c']],
];

const pairs = INSTANT_ORDER_STATUSES.flatMap((from) => INSTANT_ORDER_STATUSES.map((to) => [from, to] as const));

describe('the instant order state machine, every pair of states', () => {
  it('lists six states and checks all 36 pairs for each of the four actors', () => {
    expect(INSTANT_ORDER_STATUSES).toEqual([
      'draft',
      'accepted',
      'sent_to_1c',
      'posted',
      'rejected_by_1c',
      'cancelled',
    ]);
    expect(pairs).toHaveLength(36);
  });

  describe.each(pairs)('%s → %s', (from, to) => {
    const legal = LEGAL.find(([f, t]) => f === from && t === to);

    it.each(ACTORS)('by %s', (actor) => {
      const decision = decideTransition(from, to, actor);
      if (from === to) {
        // A repeat (the same answer twice, a second cancel) is answered with the order as it is, whoever asks.
        expect(decision).toEqual({ kind: 'unchanged' });
      } else if (legal) {
        if (legal[2].includes(actor)) {
          expect(decision).toEqual({ kind: 'apply' });
        } else {
          expect(decision).toEqual({ kind: 'forbidden', reason: `${actor} cannot move an order to ${to}` });
        }
      } else {
        expect(decision.kind).toBe('illegal');
      }
    });
  });

  it('names why a move is illegal: a final state, or a state it cannot reach', () => {
    expect(decideTransition('posted', 'rejected_by_1c', '1c')).toEqual({ kind: 'illegal', reason: 'posted is final' });
    expect(decideTransition('rejected_by_1c', 'posted', '1c')).toEqual({
      kind: 'illegal',
      reason: 'rejected_by_1c is final',
    });
    expect(decideTransition('cancelled', 'accepted', 'system')).toEqual({
      kind: 'illegal',
      reason: 'cancelled is final',
    });
    expect(decideTransition('sent_to_1c', 'cancelled', 'courier')).toEqual({
      kind: 'illegal',
      reason: 'it cannot move to cancelled once 1C took it',
    });
    expect(decideTransition('accepted', 'draft', 'admin')).toEqual({
      kind: 'illegal',
      reason: 'it cannot move to draft',
    });
    expect(decideTransition('draft', 'sent_to_1c', '1c')).toEqual({
      kind: 'illegal',
      reason: 'it cannot move to sent_to_1c',
    });
  });

  it('calls the answers of 1C and a cancel final', () => {
    expect(INSTANT_ORDER_STATUSES.filter(isFinal)).toEqual(['posted', 'rejected_by_1c', 'cancelled']);
  });

  it('holds stock from acceptance until 1C posts it (a draft is unchecked; a cancel or rejection releases it)', () => {
    expect(INSTANT_ORDER_STATUSES.filter(holdsReservation)).toEqual(['accepted', 'sent_to_1c', 'posted']);
  });
});
