import {
  decideTransition,
  DELIVERY_ACTORS,
  DELIVERY_STATUSES,
  type DeliveryActor,
  type DeliveryStatus,
  isDispatched,
  isTerminal,
} from './delivery-status';

const courierSide: DeliveryActor[] = ['courier', 'bitrix24', 'admin'];
const onecSide: DeliveryActor[] = ['1c', 'admin'];

/** The life of a delivery as the issue states it, written out move by move: the specification, not the code. */
const ORDINARY: [DeliveryStatus, DeliveryStatus, DeliveryActor[]][] = [
  ['new', 'assigned', onecSide],
  ['assigned', 'accepted', courierSide],
  ['accepted', 'in_transit', courierSide],
  ['in_transit', 'delivered', courierSide],
  ['in_transit', 'partially_delivered', courierSide],
  ['in_transit', 'failed', courierSide],
  ['new', 'cancelled', onecSide],
  ['assigned', 'cancelled', onecSide],
  ['accepted', 'cancelled', onecSide],
  ['delivered', 'closed', onecSide],
  ['partially_delivered', 'closed', onecSide],
  ['failed', 'closed', onecSide],
];

const outcomes: DeliveryStatus[] = ['delivered', 'partially_delivered', 'failed'];
/** Admin corrections of terminal states (with a reason): an outcome to another, and a mistaken cancel undone. */
const CORRECTIONS: [DeliveryStatus, DeliveryStatus][] = [
  ...[...outcomes, 'closed' as const].flatMap((from) =>
    outcomes.filter((to) => to !== from).map((to): [DeliveryStatus, DeliveryStatus] => [from, to]),
  ),
  ['cancelled', 'new'],
];

const pairs = DELIVERY_STATUSES.flatMap((from) => DELIVERY_STATUSES.map((to) => [from, to] as const));

describe('the delivery state machine, every pair of states', () => {
  it('lists nine states and checks all 81 pairs for each of the four actors', () => {
    expect(pairs).toHaveLength(81);
    expect(DELIVERY_ACTORS).toHaveLength(4);
  });

  describe.each(pairs)('%s → %s', (from, to) => {
    const ordinary = ORDINARY.find(([f, t]) => f === from && t === to);
    const correction = CORRECTIONS.some(([f, t]) => f === from && t === to);

    it.each(DELIVERY_ACTORS)('by %s', (actor) => {
      const decision = decideTransition(from, to, actor);
      if (from === to) {
        expect(decision).toEqual({ kind: 'unchanged' });
      } else if (ordinary) {
        expect(decision.kind).toBe(ordinary[2].includes(actor) ? 'apply' : 'forbidden');
        if (decision.kind === 'apply') {
          expect(decision.correction).toBe(false);
        }
      } else if (correction) {
        // Without a reason not even an admin moves a terminal state; with one, only an admin.
        expect(decision.kind).toBe(actor === 'admin' ? 'illegal' : 'forbidden');
        expect(decideTransition(from, to, actor, 'wrong button').kind).toBe(actor === 'admin' ? 'apply' : 'forbidden');
      } else {
        expect(decision.kind).toBe('illegal');
        expect(decideTransition(from, to, actor, 'any reason').kind).toBe('illegal');
      }
    });
  });

  it('marks a correction as one, and names the states in what it refuses', () => {
    expect(decideTransition('closed', 'failed', 'admin', 'the customer was not there')).toEqual({
      kind: 'apply',
      correction: true,
    });
    expect(decideTransition('delivered', 'in_transit', 'courier')).toEqual({
      kind: 'illegal',
      reason: 'a delivered delivery cannot become in_transit',
    });
    expect(decideTransition('in_transit', 'cancelled', '1c')).toMatchObject({ kind: 'illegal' });
    expect(decideTransition('closed', 'delivered', 'admin', '   ')).toMatchObject({ kind: 'illegal' });
  });

  it('calls outcomes, cancelled and closed terminal, and everything from in_transit on dispatched', () => {
    expect(DELIVERY_STATUSES.filter(isTerminal)).toEqual([
      'delivered',
      'partially_delivered',
      'failed',
      'cancelled',
      'closed',
    ]);
    expect(DELIVERY_STATUSES.filter((status) => !isDispatched(status))).toEqual(['new', 'assigned', 'accepted']);
  });
});
