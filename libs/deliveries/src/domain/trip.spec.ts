import { deliveredFlags } from './trip';

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

  it('flags an order delivered, and a stop only when every order of it is, never an empty stop', () => {
    expect(deliveredFlags(trip, new Set(['d1', 'd3']))).toEqual({
      points: [
        { key: 'p1', delivered: false },
        { key: 'p2', delivered: true },
        { key: 'p3', delivered: false },
      ],
      orders: [
        { documentOnecId: 'o1', delivered: true },
        { documentOnecId: 'o2', delivered: false },
        { documentOnecId: 'o3', delivered: true },
      ],
    });
    expect(deliveredFlags(trip, new Set(['d1', 'd2'])).points[0]).toEqual({ key: 'p1', delivered: true });
  });
});
