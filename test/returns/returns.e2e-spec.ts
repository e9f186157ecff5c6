import { randomUUID } from 'node:crypto';
import { deliveriesAs, type Problem, seedMasterData, shipment } from '../deliveries/deliveries-fixtures';
import {
  COURIER_A,
  documentsOf,
  COURIER_B,
  type OrderBody,
  ordersAs,
  postedByOneC,
  sale,
  seedSaleTerms,
  VAN_A,
  WATER,
} from '../instant-orders/instant-orders-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';

interface ReturnBody {
  id: string;
  number: string;
  status: string;
  courierId: string;
  refundTotal: string;
  approvedBy: string | null;
  items: { lineNo: number; quantity: string; refund: string; receivedQuantity: string | null }[];
  pickup: { cashRefund: string | null } | null;
  receipt: { shortfall: { lineNo: number; expected: string; received: string }[] } | null;
  onec: { documentNumber: string } | null;
  history?: { action: string; from: string | null; to: string | null; source: string }[];
}

describe('returns: requested against the original sale, led through to 1C’s posting', () => {
  let harness: MasterDataHarness;
  const as = (role: '1c' | 'admin' | 'courier', courierId?: string) => {
    const call = (method: string, path: string, body?: unknown) =>
      harness.call(method, `/api/v1/returns${path}`, {
        role,
        courierId,
        body,
        idempotencyKey: method === 'GET' ? undefined : randomUUID(),
      });
    return {
      post: (path: string, body: unknown = {}) => call('POST', path, body),
      get: (path: string) => call('GET', path),
    };
  };
  const courierA = as('courier', COURIER_A);
  const courierB = as('courier', COURIER_B);
  const admin = as('admin');
  const onecSide = as('1c');
  const returnCount = async () => (await harness.query<{ n: number }>('SELECT count(*)::int AS n FROM returns'))[0].n;

  /** An instant order of courier A that 1C posted: 3 waters at 49.90 with 5.00 off (144.70) and 0.400 kg cheese. */
  const postedOrder = async (): Promise<OrderBody> => {
    const created = await ordersAs(() => harness, 'courier', COURIER_A).post(
      '',
      sale({
        items: [{ productId: WATER, quantity: '3', price: '49.90', discount: '5.00', amount: '144.70' }],
        total: '144.70',
        discountReason: 'damaged_packaging',
      }),
    );
    expect(created.status).toBe(201);
    const order = created.body as OrderBody;
    const posted = await ordersAs(() => harness, '1c').post(`/${order.id}/ack`, {
      outcome: 'posted',
      documentNumber: `УТ-${order.number}`,
      documentDate: '2026-12-05',
    });
    expect(posted.body).toMatchObject({ status: 'posted' });
    return order;
  };
  /** 1C changes water's price or stock in the mirror. */
  const setWater = async ({ kind, ...item }: { kind: 'prices' | 'stock' } & Record<string, unknown>) => {
    const answer = await harness.call('PUT', `/api/v1/master-data/${kind}`, {
      role: '1c',
      body: { items: [{ productId: WATER, ...item }] },
      idempotencyKey: randomUUID(),
    });
    expect(answer.status).toBe(200);
  };
  const ofOrder = (order: OrderBody, items: unknown[]) => ({ sale: { kind: 'instant_order', id: order.id }, items });

  beforeAll(async () => {
    harness = await startMasterDataHarness({
      env: { RETURNS_AUTO_APPROVE_REASONS: 'refused_at_door', RETURNS_AUTO_APPROVE_MAX_REFUND: '100.00' },
    });
    await seedMasterData(harness);
    await seedSaleTerms(harness);
    // Every test sells water again: enough of it in courier A's van.
    await setWater({ kind: 'stock', warehouseId: VAN_A, quantity: '100', version: 2 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refunds at the sale’s own amounts and never more than was sold, across returns', async () => {
    const order = await postedOrder();
    // The price list changes after the sale: the refund does not.
    await setWater({ kind: 'prices', priceTypeId: sale().priceTypeId, price: '59.90', version: 2 });
    // One of three waters: 144.70 × 1 / 3 = 48.2333… → 48.23, the discount given back in proportion.
    const first = await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'defective' }]));
    expect(first).toMatchObject({
      status: 201,
      body: { status: 'requested', refundTotal: '48.23', items: [{ lineNo: 1, quantity: '1.000', refund: '48.23' }] },
    });
    const tooMany = await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '3', reason: 'defective' }]));
    expect(tooMany.status).toBe(422);
    expect((tooMany.body as Problem).errors).toEqual([
      { path: 'items.0.quantity', message: 'OVER_RETURNABLE: 2.000 of line 1 can still be returned' },
    ]);
    // The last two take what is left of the line's amount: 144.70 − 48.23 = 96.47 (not 2 × 48.23 = 96.46).
    const rest = await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '2', reason: 'defective' }]));
    expect(rest.body).toMatchObject({ refundTotal: '96.47' });
    const more = await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'defective' }]));
    expect((more.body as Problem).errors?.[0].message).toMatch(/^OVER_RETURNABLE: 0\.000 /);
    for (const [body, rule] of [
      [ofOrder(order, [{ lineNo: 9, quantity: '1', reason: 'defective' }]), 'UNKNOWN_LINE'],
      [ofOrder(order, [{ lineNo: 1, quantity: '0.5', reason: 'defective' }]), 'WHOLE_UNITS_ONLY'],
    ] as const) {
      expect(((await courierA.post('', body)).body as Problem).errors?.[0].message).toMatch(new RegExp(`^${rule}: `));
    }
    // A rejected return gives its quantity back to the sale.
    expect(
      (await admin.post(`/${(rest.body as ReturnBody).id}/reject`, { reason: 'не наш товар' })).body,
    ).toMatchObject({
      status: 'rejected',
    });
    expect((await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '2', reason: 'other' }]))).status).toBe(201);
    await setWater({ kind: 'prices', priceTypeId: sale().priceTypeId, price: '49.90', version: 3 });
  });

  it('lets two concurrent partial returns of one sale together take no more than was sold', async () => {
    const order = await postedOrder();
    const body = ofOrder(order, [{ lineNo: 1, quantity: '2', reason: 'changed_mind' }]);
    const answers = await Promise.all([courierA.post('', body), courierA.post('', body), courierA.post('', body)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422, 422]);
    const sum = await harness.query<{ n: string }>(
      `SELECT sum((line->>'quantity')::numeric)::text AS n FROM returns, jsonb_array_elements(items) AS line
        WHERE sale_id = $1 AND status <> 'rejected'`,
      [order.id],
    );
    expect(sum).toEqual([{ n: '2.000' }]);
  });

  it('takes a return from request to closed: approval, pick-up with cash, the warehouse, 1C’s posting', async () => {
    const order = await postedOrder();
    const requested = (await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '2', reason: 'defective' }])))
      .body as ReturnBody;
    // 144.70 × 2 / 3 = 96.4666… → 96.47
    expect(requested).toMatchObject({ status: 'requested', refundTotal: '96.47', approvedBy: null });
    expect((await courierA.post(`/${requested.id}/pick-up`, { occurredAt: '2026-12-05T15:00:00+03:00' })).status).toBe(
      409,
    );
    expect((await courierA.post(`/${requested.id}/approve`)).status).toBe(403);
    expect((await admin.post(`/${requested.id}/approve`)).body).toMatchObject({
      status: 'approved',
      approvedBy: 'admin',
    });
    const overpaid = await courierA.post(`/${requested.id}/pick-up`, {
      occurredAt: '2026-12-05T15:00:00+03:00',
      cashRefund: '96.48',
    });
    expect((overpaid.body as Problem).errors?.[0].message).toMatch(/^OVER_REFUND: /);
    const picked = await courierA.post(`/${requested.id}/pick-up`, {
      occurredAt: '2026-12-05T15:00:00+03:00',
      geo: { latitude: '55.75', longitude: '37.62' },
      cashRefund: '96.47',
    });
    expect(picked.body).toMatchObject({ status: 'picked_up', pickup: { cashRefund: '96.47' } });
    const received = await admin.post(`/${requested.id}/receive`, {
      occurredAt: '2026-12-05T18:00:00+03:00',
      items: [{ lineNo: 1, quantity: '2' }],
    });
    expect(received.body).toMatchObject({
      status: 'received',
      items: [{ receivedQuantity: '2.000' }],
      receipt: { shortfall: [] },
    });

    const client = harness.onec();
    const crashed = await client.runSaleExchange({ skipSuccess: true });
    const served = (await documentsOf(crashed.query.bytes)).filter((document) => document.id === requested.id);
    expect(served).toMatchObject([
      {
        operation: 'Возврат товара',
        number: requested.number,
        amount: '96.47',
        items: [{ id: WATER, amount: '96.47' }],
      },
    ]);
    const posted = await client.runSaleExchange({ documents: [postedByOneC(requested.id, 'Возврат товара')] });
    expect(posted.failure).toBeUndefined();
    const afterPosting = (await courierA.get(`/${requested.id}`)).body as ReturnBody;
    // Cash was paid back: the return stays posted until the refund is settled.
    expect(afterPosting).toMatchObject({ status: 'posted', onec: { documentNumber: 'СА-013838' } });
    expect((await documentsOf((await client.runSaleExchange()).query.bytes)).map((d) => d.id)).not.toContain(
      requested.id,
    );
    expect((await admin.post(`/${requested.id}/close`)).body).toMatchObject({ status: 'closed' });
    expect(((await admin.get(`/${requested.id}`)).body as ReturnBody).history?.map((entry) => entry.to)).toEqual([
      'requested',
      'approved',
      'picked_up',
      'received',
      'posted',
      'closed',
    ]);
  });

  it('approves by the rule, keeps a shortfall, closes on 1C’s REST posting without cash to settle', async () => {
    const order = await postedOrder();
    const auto = (await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'refused_at_door' }])))
      .body as ReturnBody;
    expect(auto).toMatchObject({ status: 'approved', approvedBy: 'rule', refundTotal: '48.23' });
    await courierA.post(`/${auto.id}/pick-up`, { occurredAt: '2026-12-05T15:00:00+03:00' });
    const short = await admin.post(`/${auto.id}/receive`, { occurredAt: '2026-12-05T18:00:00+03:00', items: [] });
    expect(short.body).toMatchObject({
      status: 'received',
      receipt: { shortfall: [{ lineNo: 1, expected: '1.000', received: '0.000' }] },
    });
    const posting = { documentNumber: 'УТ-000321', documentDate: '2026-12-05' };
    const closed = await onecSide.post(`/${auto.id}/ack`, posting);
    expect(closed.body).toMatchObject({ status: 'closed', onec: { documentNumber: 'УТ-000321' } });
    // 1C saying it again changes nothing.
    expect(await onecSide.post(`/${auto.id}/ack`, posting)).toMatchObject({ status: 200, body: closed.body });

    // Over the rule's amount or for another reason: an operator decides.
    const manual = await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'defective' }]));
    expect(manual.body).toMatchObject({ status: 'requested' });
  });

  it('returns what a delivery delivered, not what it shipped', async () => {
    const onec = deliveriesAs(() => harness, '1c');
    const courier = deliveriesAs(() => harness, 'courier', COURIER_A);
    const { id } = (await onec.post('', shipment(71))).body as { id: string };
    for (const status of ['accepted', 'in_transit']) {
      await courier.post(`/${id}/status`, { status, occurredAt: '2026-12-05T11:00:00+03:00' });
    }
    // Line 2 shipped 0.375 of juice, the customer took 0.25 (78.125 → 78.13).
    const partial = await courier.post(`/${id}/status`, {
      status: 'partially_delivered',
      occurredAt: '2026-12-05T11:00:00+03:00',
      delivered: [{ lineNo: 2, quantity: '0.25' }],
      failureReason: 'customer_refused',
      cashCollected: '77.93',
    });
    expect(partial.status).toBe(200);
    const saleOf = { kind: 'delivery', id };
    const over = await courierA.post('', {
      sale: saleOf,
      items: [{ lineNo: 2, quantity: '0.3', reason: 'defective' }],
    });
    expect((over.body as Problem).errors?.[0].message).toMatch(/^OVER_RETURNABLE: 0\.250 /);
    const ok = await courierA.post('', { sale: saleOf, items: [{ lineNo: 2, quantity: '0.25', reason: 'defective' }] });
    expect(ok.body).toMatchObject({ refundTotal: '78.13', items: [{ lineNo: 2, refund: '78.13' }] });
  });

  it('keeps each courier to its own returns and sales, and each role to its own doors', async () => {
    const order = await postedOrder();
    const own = (await courierA.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'defective' }])))
      .body as ReturnBody;
    expect((await courierB.get(`/${own.id}`)).status).toBe(404);
    expect((await courierB.post(`/${own.id}/pick-up`, { occurredAt: '2026-12-05T15:00:00+03:00' })).status).toBe(404);
    expect(((await courierB.get(`?courier=${COURIER_A}`)).body as { items: unknown[] }).items).toEqual([]);
    const before = await returnCount();
    const othersSale = await courierB.post('', ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'defective' }]));
    expect([othersSale.status, (othersSale.body as Problem).errors?.[0].message]).toEqual([
      422,
      expect.stringMatching(/^UNKNOWN_SALE: /) as string,
    ]);
    const unposted = (await ordersAs(() => harness, 'courier', COURIER_A).post('', sale())).body as OrderBody;
    const early = await courierA.post('', ofOrder(unposted, [{ lineNo: 1, quantity: '1', reason: 'defective' }]));
    expect((early.body as Problem).errors?.[0].message).toMatch(/^UNKNOWN_SALE: .*accepted/);
    expect(await returnCount()).toBe(before);
    // A request replayed with its key is the same return; lists filter by the original sale and status.
    const key = randomUUID();
    const body = ofOrder(order, [{ lineNo: 1, quantity: '1', reason: 'wrong_item' }]);
    const send = () =>
      harness.call('POST', '/api/v1/returns', { role: 'courier', courierId: COURIER_A, body, idempotencyKey: key });
    const first = await send();
    expect(await send()).toMatchObject({ status: first.status, body: first.body });
    expect(await returnCount()).toBe(before + 1);
    const bySale = (await courierA.get(`?sale_kind=instant_order&sale_id=${order.id}`)).body as { items: ReturnBody[] };
    expect(bySale.items.map((entry) => entry.id).sort()).toEqual([own.id, (first.body as ReturnBody).id].sort());
    const approvedOnly = (await admin.get(`?sale_kind=instant_order&sale_id=${order.id}&status=approved`)).body as {
      items: ReturnBody[];
    };
    expect(approvedOnly.items).toEqual([]);
    expect((await onecSide.post('', ofOrder(order, []))).status).toBe(403);
    expect((await courierA.post(`/${own.id}/receive`, { occurredAt: '2026-12-05T18:00:00Z', items: [] })).status).toBe(
      403,
    );
  });
});
