import type { DeliveryStatus } from './delivery-status';
import {
  type CarriedDelivery,
  checkTrip,
  deliveredFlags,
  laterStatus,
  progressOf,
  sameHeader,
  type Trip,
  type TripHeader,
} from './trip';

const carried = (id: string, status: DeliveryStatus, outcome?: [DeliveryStatus, string]): CarriedDelivery => ({
  id,
  status,
  outcome: outcome ? { status: outcome[0], occurredAt: outcome[1] } : null,
});

describe('a trip’s delivered flags', () => {
  const trip = {
    routePoints: [
      { key: 'p1', address: 'A', windowFrom: null, windowTo: null },
      { key: 'p2', address: 'B', windowFrom: null, windowTo: null },
      { key: 'p3', address: 'C', windowFrom: null, windowTo: null },
    ],
    orders: [
      { routePointKey: 'p1', documentOnecId: 'o1', deliveryId: 'd1' },
      { routePointKey: 'p1', documentOnecId: 'o2', deliveryId: 'd2' },
      { routePointKey: 'p2', documentOnecId: 'o3', deliveryId: 'd3' },
    ],
  };
  const at = '2026-12-05T10:00:00.000Z';

  it('flags an order delivered in full or in part (closed ones by their outcome), a stop only when all of it is', () => {
    const flags = deliveredFlags(trip, [
      carried('d1', 'closed', ['partially_delivered', at]),
      carried('d2', 'failed', ['failed', at]),
      carried('d3', 'delivered', ['delivered', at]),
    ]);
    expect(flags).toEqual({
      points: [
        { key: 'p1', delivered: false },
        { key: 'p2', delivered: true },
        { key: 'p3', delivered: false },
      ],
      orders: [
        { documentOnecId: 'o1', deliveryId: 'd1', status: 'closed', delivered: true },
        { documentOnecId: 'o2', deliveryId: 'd2', status: 'failed', delivered: false },
        { documentOnecId: 'o3', deliveryId: 'd3', status: 'delivered', delivered: true },
      ],
    });
    const allOfP1 = deliveredFlags(trip, [
      carried('d1', 'delivered', ['delivered', at]),
      carried('d2', 'delivered', ['delivered', at]),
    ]);
    expect(allOfP1.points[0]).toEqual({ key: 'p1', delivered: true });
  });

  it('never flags a cancelled order, whatever it had reported before', () => {
    expect(deliveredFlags(trip, [carried('d1', 'cancelled', ['delivered', at])]).orders[0].delivered).toBe(false);
  });
});

describe('a trip’s progress', () => {
  const now = new Date('2026-12-05T12:00:00.000Z');
  const forming = { status: 'forming' as const, actualStart: null, actualEnd: null };

  it('stays as 1C sent it until the courier sets out', () => {
    expect(progressOf(forming, [carried('d1', 'accepted'), carried('d2', 'assigned')], now)).toEqual(forming);
    expect(progressOf({ ...forming, status: 'loading' }, [carried('d1', 'new')], now).status).toBe('loading');
  });

  it('is dispatched, started now, when the first delivery is on its way, and keeps that start', () => {
    const dispatched = progressOf(forming, [carried('d1', 'in_transit'), carried('d2', 'accepted')], now);
    expect(dispatched).toEqual({ status: 'dispatched', actualStart: now, actualEnd: null });
    const later = new Date('2026-12-05T13:00:00.000Z');
    expect(
      progressOf(dispatched, [carried('d1', 'delivered', ['delivered', '2026-12-05T12:30:00Z'])], later).actualStart,
    ).toBe(now);
  });

  it('closes when every delivery has ended, at the latest time at the door', () => {
    const closed = progressOf(
      forming,
      [
        carried('d1', 'closed', ['delivered', '2026-12-05T11:10:00.000Z']),
        carried('d2', 'failed', ['failed', '2026-12-05T11:40:00.000Z']),
        carried('d3', 'cancelled'),
      ],
      now,
    );
    expect(closed).toEqual({ status: 'closed', actualStart: now, actualEnd: new Date('2026-12-05T11:40:00.000Z') });
  });

  it('closes at once, with no start, when every delivery was cancelled; a closed trip stays as it is', () => {
    expect(progressOf(forming, [carried('d1', 'cancelled')], now)).toEqual({
      status: 'closed',
      actualStart: null,
      actualEnd: now,
    });
    const closed = { status: 'closed' as const, actualStart: now, actualEnd: now };
    expect(progressOf(closed, [carried('d1', 'in_transit')], new Date())).toBe(closed);
  });

  it('never closes a trip that carries nothing', () => {
    expect(progressOf(forming, [], now)).toEqual(forming);
  });

  it('takes the later of two statuses', () => {
    expect(laterStatus('forming', 'loading')).toBe('loading');
    expect(laterStatus('dispatched', 'loading')).toBe('dispatched');
  });
});

describe('a trip’s shape', () => {
  const header: TripHeader = {
    onecId: 't1',
    number: 'ЗП-1',
    date: '2026-12-05',
    status: 'forming',
    courierId: 'c1',
    vehicle: null,
    warehouseId: 'w1',
    plannedStart: new Date('2026-12-05T09:00:00Z'),
    plannedEnd: new Date('2026-12-05T18:00:00Z'),
    routePoints: [
      { key: 'p1', address: 'A', windowFrom: null, windowTo: null },
      { key: 'p2', address: 'B', windowFrom: null, windowTo: null },
    ],
  };

  it('holds together with known stops, one order per document and the trip’s courier (or none)', () => {
    expect(
      checkTrip(header, [
        { routePointKey: 'p1', documentOnecId: 'o1', courierId: null },
        { routePointKey: 'p2', documentOnecId: 'o2', courierId: 'c1' },
      ]),
    ).toEqual([]);
  });

  it('names every broken rule at once', () => {
    const violations = checkTrip(
      {
        ...header,
        plannedEnd: new Date('2026-12-05T08:00:00Z'),
        routePoints: [...header.routePoints, { key: 'p1', address: 'C', windowFrom: null, windowTo: null }],
      },
      [
        { routePointKey: 'p9', documentOnecId: 'o1', courierId: null },
        { routePointKey: 'p1', documentOnecId: 'o1', courierId: 'c2' },
      ],
    );
    expect(violations.map((violation) => [violation.path, violation.code])).toEqual([
      ['routePoints.2.key', 'DUPLICATE'],
      ['plannedEnd', 'BEFORE_START'],
      ['orders.0.routePointKey', 'UNKNOWN_STOP'],
      ['orders.1.delivery.document.onecId', 'DUPLICATE'],
      ['orders.1.delivery.courierId', 'NOT_THE_TRIP_COURIER'],
    ]);
  });
});

describe('a trip sent again', () => {
  const header: TripHeader = {
    onecId: 't1',
    number: 'ЗП-1',
    date: '2026-12-05',
    status: 'loading',
    courierId: 'c1',
    vehicle: 'ГАЗель',
    warehouseId: 'w1',
    plannedStart: new Date('2026-12-05T09:00:00Z'),
    plannedEnd: null,
    routePoints: [{ key: 'p1', address: 'A', windowFrom: '2026-12-05T07:00:00.000Z', windowTo: null }],
  };
  const orders = [{ routePointKey: 'p1', documentOnecId: 'o1' }];
  const stored: Trip = {
    ...header,
    id: 'x',
    status: 'dispatched',
    actualStart: null,
    actualEnd: null,
    // As jsonb hands it back: its own key order.
    routePoints: [{ windowTo: null, key: 'p1', windowFrom: '2026-12-05T07:00:00.000Z', address: 'A' }],
    orders: [{ deliveryId: 'd1', documentOnecId: 'o1', routePointKey: 'p1' }],
    version: 2,
    createdAt: new Date(),
    updatedAt: new Date(),
  };

  it('is the same whatever the key order, and when the middleware has moved it past 1C’s status', () => {
    expect(sameHeader(stored, header, orders)).toBe(true);
  });

  it('differs in any field 1C sends, the orders or their stops', () => {
    expect(sameHeader(stored, { ...header, vehicle: null }, orders)).toBe(false);
    expect(sameHeader(stored, header, [{ routePointKey: 'p2', documentOnecId: 'o1' }])).toBe(false);
    expect(sameHeader({ ...stored, status: 'forming' }, header, orders)).toBe(false);
  });
});
