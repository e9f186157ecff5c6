import { randomUUID } from 'node:crypto';
import { type FakeOnecHttpService, waitFor } from '@app/testing';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import {
  COURIER_A,
  COURIER_B,
  deliveriesAs,
  type DeliveryBody,
  GONE,
  guid,
  type Problem,
  shipment,
  startWithFakeOnec,
  STORE,
} from './deliveries-fixtures';

interface TripBody {
  id: string;
  status: string;
  courierId: string;
  version: number;
  actualStart: string | null;
  actualEnd: string | null;
  routePoints: { key: string; delivered: boolean }[];
  orders: {
    routePointKey: string;
    documentOnecId: string;
    deliveryId: string;
    deliveryStatus: string;
    delivered: boolean;
  }[];
  changes?: { documentOnecId: string; deliveryId: string; change: string; collisionId?: string }[];
}

interface TripEvent {
  type: string;
  data: {
    tripId: string;
    status: string;
    actualStart: string | null;
    actualEnd: string | null;
    routePoints?: { key: string; delivered: boolean }[];
    orders?: { documentOnecId: string; delivered: boolean; status: string }[];
  };
}

/** A trip of УТ's «Задание на перевозку»: stops p1 (two orders) and p2 (one), each order a shipment. */
function trip(n: number, orders: number[], overrides: Record<string, unknown> = {}) {
  return {
    onecId: guid(5000 + n),
    number: `ЗП-${n}`,
    date: '2026-12-05',
    status: 'loading',
    courierId: COURIER_A,
    vehicle: 'ГАЗель А123ВС77',
    warehouseId: STORE,
    plannedStart: '2026-12-05T09:00:00+03:00',
    plannedEnd: '2026-12-05T18:00:00+03:00',
    routePoints: [
      { key: 'p1', address: 'Москва, ул. Ленина, 1', windowFrom: '2026-12-05T10:00:00+03:00' },
      { key: 'p2', address: 'Москва, ул. Тверская, 7' },
    ],
    // The first order leaves its courier out: it goes with the trip's.
    orders: orders.map((order, index) => ({
      routePointKey: index < 2 ? 'p1' : 'p2',
      delivery: shipment(order, index === 0 ? { courierId: undefined } : {}),
    })),
    ...overrides,
  };
}

describe('delivery trips: 1C sends a courier’s run, its deliveries move it on, 1C gets the delivered flags', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;

  const deliveries = (role: '1c' | 'admin' | 'courier', courierId?: string) =>
    deliveriesAs(() => harness, role, courierId);
  const courierA = deliveries('courier', COURIER_A);
  const onecDeliveries = deliveries('1c');
  const sendTrip = (body: unknown, key: string = randomUUID()) =>
    harness.call('POST', '/api/v1/delivery-trips', { role: '1c', body, idempotencyKey: key });
  const getTrip = (id: string, role: '1c' | 'courier' = '1c', courierId?: string) =>
    harness.call('GET', `/api/v1/delivery-trips/${id}`, { role, courierId });
  const status = (status: string, extra: Record<string, unknown> = {}) => ({
    status,
    occurredAt: '2026-12-05T11:00:00+03:00',
    ...extra,
  });
  const tripEvents = (tripId: string) =>
    onec.received
      .filter((push) => push.status === 200 && !push.duplicate)
      .map((push) => push.body as TripEvent)
      .filter((event) => event.data?.tripId === tripId);
  const countRows = async (sql: string, parameters: unknown[]) =>
    (await harness.query<{ n: number }>(sql, parameters))[0].n;

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec());
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('creates the trip and the deliveries of its orders at once, with the trip’s courier; the same trip again changes nothing', async () => {
    const key = randomUUID();
    const created = await sendTrip(trip(1, [101, 102, 103]), key);
    expect(created.status).toBe(201);
    const body = created.body as TripBody;
    expect(body).toMatchObject({
      status: 'loading',
      courierId: COURIER_A,
      version: 1,
      actualStart: null,
      routePoints: [
        { key: 'p1', delivered: false },
        { key: 'p2', delivered: false },
      ],
    });
    expect(body.changes!.map((change) => change.change)).toEqual(['created', 'created', 'created']);
    expect(body.orders.map((order) => [order.routePointKey, order.documentOnecId, order.deliveryStatus])).toEqual([
      ['p1', guid(1101), 'assigned'],
      ['p1', guid(1102), 'assigned'],
      ['p2', guid(1103), 'assigned'],
    ]);
    const first = (await onecDeliveries.get(`/${body.orders[0].deliveryId}`)).body as DeliveryBody & {
      tripId: string;
    };
    expect({ courierId: first.courierId, tripId: first.tripId }).toEqual({ courierId: COURIER_A, tripId: body.id });

    // Replayed under its key, and sent again under a new one.
    expect(await sendTrip(trip(1, [101, 102, 103]), key)).toMatchObject({ status: 201, body });
    const again = await sendTrip(trip(1, [101, 102, 103]));
    expect(again.status).toBe(200);
    expect((again.body as TripBody).version).toBe(1);
    expect((again.body as TripBody).changes!.map((change) => change.change)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await countRows(`SELECT count(*)::int AS n FROM delivery_trips WHERE onec_id = $1`, [guid(5001)])).toBe(1);
    expect(await countRows(`SELECT count(*)::int AS n FROM deliveries WHERE trip_id = $1`, [body.id])).toBe(3);
    expect(await countRows(`SELECT count(*)::int AS n FROM audit_trail WHERE entity_id = $1`, [body.id])).toBe(1);
  });

  it('refuses a trip that does not hold together, naming each field (orders.N.delivery.… for an order); nothing stored', async () => {
    const broken = trip(2, [201, 202, 203], {
      orders: [
        { routePointKey: 'p9', delivery: shipment(201) },
        { routePointKey: 'p1', delivery: shipment(201, { courierId: COURIER_B }) },
        {
          routePointKey: 'p2',
          delivery: shipment(203, {
            items: [{ lineNo: 1, productId: GONE, quantity: '1', price: '10', vatRate: '22', amount: '10.00' }],
            totals: { total: '10.00', cashOnDelivery: '10.00' },
          }),
        },
      ],
    });
    const answer = await sendTrip(broken);
    expect(answer.status).toBe(422);
    const problem = answer.body as Problem;
    expect(problem.code).toBe('DELIVERY_TRIP_INVALID');
    expect(problem.errors!.map((error) => error.path).sort()).toEqual(
      [
        'orders.0.routePointKey',
        'orders.1.delivery.document.onecId',
        'orders.1.delivery.courierId',
        'orders.2.delivery.items.0.productId',
      ].sort(),
    );
    const unknownCourier = await sendTrip(trip(2, [201], { courierId: guid(99) }));
    expect((unknownCourier.body as Problem).errors!.map((error) => error.path)).toEqual(['courierId']);
    expect(await countRows(`SELECT count(*)::int AS n FROM delivery_trips WHERE onec_id = $1`, [guid(5002)])).toBe(0);
    expect(
      await countRows(`SELECT count(*)::int AS n FROM deliveries WHERE onec_document_id = ANY($1)`, [
        [guid(1201), guid(1203)],
      ]),
    ).toBe(0);
  });

  it('is dispatched when the courier sets out and closed when every delivery has ended; 1C gets the actual times and the flags once', async () => {
    const sent = (await sendTrip(trip(3, [301, 302, 303]))).body as TripBody;
    const [first, second, third] = sent.orders.map((order) => order.deliveryId);
    for (const id of [first, second]) {
      expect((await courierA.post(`/${id}/status`, status('accepted'))).status).toBe(200);
    }
    expect((await courierA.post(`/${first}/status`, status('in_transit'))).status).toBe(200);
    const dispatched = (await getTrip(sent.id)).body as TripBody;
    expect(dispatched.status).toBe('dispatched');
    expect(dispatched.actualStart).not.toBeNull();
    await waitFor(async () => Promise.resolve(tripEvents(sent.id).length === 1), { what: '1C told of the dispatch' });
    expect(tripEvents(sent.id)[0]).toMatchObject({
      type: 'mastermobile.delivery_trip.dispatched.v1',
      data: { status: 'dispatched', actualStart: dispatched.actualStart, actualEnd: null },
    });

    expect((await courierA.post(`/${second}/status`, status('in_transit'))).status).toBe(200);
    expect((await onecDeliveries.post(`/${third}/cancel`)).status).toBe(200);
    // The last two outcomes at once: whichever commits second sees the first and closes the trip, once.
    const [delivered, failed] = await Promise.all([
      courierA.post(`/${first}/status`, status('delivered', { cashCollected: '116.99' })),
      courierA.post(
        `/${second}/status`,
        status('failed', { occurredAt: '2026-12-05T12:30:00+03:00', failureReason: 'customer_absent' }),
      ),
    ]);
    expect([delivered.status, failed.status]).toEqual([200, 200]);
    const closed = (await getTrip(sent.id)).body as TripBody;
    expect(closed).toMatchObject({
      status: 'closed',
      actualStart: dispatched.actualStart,
      actualEnd: '2026-12-05T09:30:00.000Z',
      routePoints: [
        { key: 'p1', delivered: false },
        { key: 'p2', delivered: false },
      ],
    });
    expect(closed.orders.map((order) => [order.deliveryStatus, order.delivered])).toEqual([
      ['delivered', true],
      ['failed', false],
      ['cancelled', false],
    ]);
    await waitFor(async () => Promise.resolve(tripEvents(sent.id).length === 2), { what: '1C told of the closing' });
    expect(tripEvents(sent.id)[1]).toMatchObject({
      type: 'mastermobile.delivery_trip.confirmed.v1',
      data: {
        status: 'closed',
        actualEnd: '2026-12-05T09:30:00.000Z',
        routePoints: [
          { key: 'p1', delivered: false },
          { key: 'p2', delivered: false },
        ],
        orders: [
          { documentOnecId: guid(1301), delivered: true, status: 'delivered' },
          { documentOnecId: guid(1302), delivered: false, status: 'failed' },
          { documentOnecId: guid(1303), delivered: false, status: 'cancelled' },
        ],
      },
    });

    // 1C acknowledging an outcome closes the delivery but moves no flag: nothing more is sent.
    expect(
      (await onecDeliveries.post(`/${first}/ack`, { documentNumber: 'РТУ-1', documentDate: '2026-12-05' })).status,
    ).toBe(200);
    // An admin's correction of the failure into a delivery does: the closed trip is confirmed again.
    const corrected = await deliveries('admin').post(
      `/${second}/status`,
      status('delivered', { cashCollected: '116.99', correctionReason: 'The customer came down after all' }),
    );
    expect(corrected.status).toBe(200);
    await waitFor(async () => Promise.resolve(tripEvents(sent.id).length === 3), { what: '1C told of the correction' });
    expect(tripEvents(sent.id)[2].data.routePoints).toEqual([
      { key: 'p1', delivered: true },
      { key: 'p2', delivered: false },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tripEvents(sent.id)).toHaveLength(3);

    // A closed trip answers the same send as it is, and refuses a changed one.
    expect((await sendTrip(trip(3, [301, 302, 303]))).status).toBe(200);
    const changed = await sendTrip(trip(3, [301, 302, 303], { vehicle: 'Другая машина' }));
    expect(changed.status).toBe(409);
    expect((changed.body as Problem).code).toBe('DELIVERY_TRIP_CLOSED');
  });

  it('applies 1C’s changes to deliveries not yet on their way and keeps them as collisions for those that are', async () => {
    const sent = (await sendTrip(trip(4, [401, 402]))).body as TripBody;
    const [onTheWay, waiting] = sent.orders.map((order) => order.deliveryId);
    await courierA.post(`/${onTheWay}/status`, status('accepted'));
    await courierA.post(`/${onTheWay}/status`, status('in_transit'));

    const changedComment = { comment: 'Позвонить за час' };
    const resent = trip(4, [401, 402], {
      orders: [
        { routePointKey: 'p1', delivery: shipment(401, changedComment) },
        { routePointKey: 'p2', delivery: shipment(402, changedComment) },
      ],
    });
    const answer = await sendTrip(resent);
    expect(answer.status).toBe(200);
    const changes = (answer.body as TripBody).changes!;
    expect(changes.map((change) => change.change)).toEqual(['collision', 'updated']);
    expect(changes[0].collisionId).toEqual(expect.any(String));
    expect((answer.body as TripBody).orders.map((order) => order.routePointKey)).toEqual(['p1', 'p2']);
    const [held, applied] = await Promise.all(
      [onTheWay, waiting].map(
        async (id) => ((await onecDeliveries.get(`/${id}`)).body as { comment: string | null }).comment,
      ),
    );
    expect({ held, applied }).toEqual({ held: null, applied: 'Позвонить за час' });

    // Dropping an order lets its delivery go from the trip.
    const shorter = await sendTrip(trip(4, [401]));
    expect((shorter.body as TripBody).orders).toHaveLength(1);
    expect(((await onecDeliveries.get(`/${waiting}`)).body as { tripId: string | null }).tripId).toBeNull();
  });

  it('shows a courier its own trips only', async () => {
    const sent = (await sendTrip(trip(5, [501]))).body as TripBody;
    expect((await getTrip(sent.id, 'courier', COURIER_A)).status).toBe(200);
    const stranger = await getTrip(sent.id, 'courier', COURIER_B);
    expect(stranger.status).toBe(404);
    expect((stranger.body as Problem).code).toBe('DELIVERY_TRIP_NOT_FOUND');
    expect((await getTrip(randomUUID())).status).toBe(404);
  });

  it('takes two sends of one new trip at once as one trip', async () => {
    const [left, right] = await Promise.all([sendTrip(trip(6, [601, 602])), sendTrip(trip(6, [601, 602]))]);
    expect([left.status, right.status].sort()).toEqual([200, 201]);
    expect((left.body as TripBody).id).toBe((right.body as TripBody).id);
    expect(await countRows(`SELECT count(*)::int AS n FROM delivery_trips WHERE onec_id = $1`, [guid(5006)])).toBe(1);
  });
});
