import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { sharedCommerceMlXsd } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import {
  childNames,
  complexType,
  parseXmlTree,
  violations,
  xsdSequence,
} from '../../libs/connectors/onec/test-fixtures/xml-tree';
import type { Problem } from '../deliveries/deliveries-fixtures';
import { seedMasterData } from '../deliveries/deliveries-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import {
  ACME,
  CHEESE,
  CLOSED_SHOP,
  COURIER_A,
  documentsOf,
  COURIER_B,
  GONE,
  JUICE,
  JUICE_1L,
  LAST_ONE,
  type OrderBody,
  ordersAs,
  postedByOneC,
  sale,
  seedSaleTerms,
  WATER,
  WHOLESALE,
} from './instant-orders-fixtures';

describe('instant orders over REST and the CommerceML order exchange', () => {
  let harness: MasterDataHarness;
  const as = (role: '1c' | 'admin' | 'courier', courierId?: string) => ordersAs(() => harness, role, courierId);
  const courierA = as('courier', COURIER_A);
  const courierB = as('courier', COURIER_B);
  const admin = as('admin');
  const onecSide = as('1c');
  const orderCount = async () =>
    (await harness.query<{ n: number }>('SELECT count(*)::int AS n FROM instant_orders'))[0].n;
  const held = async (offerId: string) =>
    (
      await harness.query<{ held: string | null }>(
        `SELECT sum(quantity)::text AS held FROM instant_order_reservations
          WHERE offer_id = $1 AND released_at IS NULL`,
        [offerId],
      )
    )[0].held;
  const reservationOf = (orderId: string) =>
    harness.query<{ offer_id: string; quantity: string; released: boolean }>(
      `SELECT offer_id, quantity::text, released_at IS NOT NULL AS released FROM instant_order_reservations
        WHERE order_id = $1`,
      [orderId],
    );
  const create = async (body = sale()) => {
    const answer = await courierA.post('', body);
    expect(answer).toMatchObject({ status: 201 });
    return answer.body as OrderBody;
  };
  /** Cancels what earlier tests left waiting, so each exchange test sees only its own orders. */
  const cancelWaiting = async () => {
    const page = (await admin.get('?status=accepted&limit=200')).body as { items: OrderBody[] };
    for (const order of page.items) {
      expect((await admin.post(`/${order.id}/cancel`, {})).status).toBe(200);
    }
  };

  beforeAll(async () => {
    harness = await startMasterDataHarness({ env: { INSTANT_ORDERS_DISCOUNT_LIMIT_PERCENT: '10' } });
    await seedMasterData(harness);
    await seedSaleTerms(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('accepts a sale checked against the mirror, reserves its stock, and replays it by its key', async () => {
    const key = randomUUID();
    const body = sale({
      items: [
        { productId: WATER, quantity: '2', price: '49.90', amount: '99.80' },
        // 0.333 kg × 899.00 = 299.367 → 299.37; VAT 10 %: 299.37 × 10 / 110 = 27.215… → 27.22
        { productId: CHEESE, quantity: '0.333', price: '899', amount: '299.37' },
        // The variant is priced through its product: 312.50; VAT 10 %: 28.409… → 28.41
        {
          productId: JUICE,
          characteristicId: JUICE_1L.split('#')[1],
          quantity: '1',
          price: '312.50',
          amount: '312.50',
        },
      ],
      total: '711.67',
    });
    const first = await courierA.post('', body, key);
    expect(first.status).toBe(201);
    const order = first.body as OrderBody;
    expect(order).toMatchObject({
      status: 'accepted',
      courierId: COURIER_A,
      number: expect.stringMatching(/^IO-\d{6}$/) as string,
      total: '711.67',
      // 18.00 + 27.22 + 28.41
      vatTotal: '73.63',
      items: [
        { productId: WATER, quantity: '2.000', amount: '99.80', vatAmount: '18.00' },
        { productId: CHEESE, quantity: '0.333', amount: '299.37', vatAmount: '27.22' },
        { productId: JUICE, quantity: '1.000', amount: '312.50', vatAmount: '28.41' },
      ],
    });
    expect(await courierA.post('', body, key)).toMatchObject({ status: 201, body: order });
    expect(await held(WATER)).toBe('2.000');
    expect(await held(CHEESE)).toBe('0.333');

    const read = await courierA.get(`/${order.id}`);
    expect(read.body).toMatchObject({
      ...order,
      history: [{ action: 'created', to: 'accepted', source: 'courier-rest' }],
    });
  });

  it.each([
    [
      'a tampered price',
      { items: [{ productId: WATER, quantity: '2', price: '39.90', amount: '79.80' }], total: '79.80' },
      'items.0.price',
      'PRICE_MISMATCH',
    ],
    [
      'a discount over the limit',
      {
        items: [{ productId: WATER, quantity: '2', price: '49.90', discount: '10.00', amount: '89.80' }],
        total: '89.80',
        discountReason: 'damaged_packaging',
      },
      'items.0.discount',
      'DISCOUNT_OVER_LIMIT',
    ],
    [
      'a discount without a reason',
      {
        items: [{ productId: WATER, quantity: '2', price: '49.90', discount: '1.00', amount: '98.80' }],
        total: '98.80',
      },
      'items.0.discount',
      'DISCOUNT_REASON_REQUIRED',
    ],
    [
      'an unknown product',
      { items: [{ productId: GONE, quantity: '1', price: '1.00', amount: '1.00' }], total: '1.00' },
      'items.0.productId',
      'UNKNOWN_PRODUCT',
    ],
    [
      "more than the courier's van holds",
      { items: [{ productId: WATER, quantity: '11', price: '49.90', amount: '548.90' }], total: '548.90' },
      'items.0.quantity',
      'STOCK_SHORT',
    ],
    [
      'totals that do not add up',
      { items: [{ productId: WATER, quantity: '2', price: '49.90', amount: '99.80' }], total: '99.90' },
      'total',
      'TOTAL_MISMATCH',
    ],
    [
      'a line amount that does not add up',
      { items: [{ productId: WATER, quantity: '2', price: '49.90', amount: '99.81' }], total: '99.81' },
      'items.0.amount',
      'AMOUNT_MISMATCH',
    ],
    [
      'a piece sold by weight',
      { items: [{ productId: WATER, quantity: '1.5', price: '49.90', amount: '74.85' }], total: '74.85' },
      'items.0.quantity',
      'WHOLE_UNITS_ONLY',
    ],
    [
      'a price type without prices for the product',
      {
        priceTypeId: WHOLESALE,
        items: [{ productId: CHEESE, quantity: '1', price: '899.00', amount: '899.00' }],
        total: '899.00',
      },
      'items.0.price',
      'NO_PRICE',
    ],
  ])('rejects %s with its rule, naming the field, and stores nothing', async (_, overrides, path, rule) => {
    const before = await orderCount();
    const heldBefore = await held(WATER);
    const answer = await courierA.post('', sale(overrides));
    expect(answer.status).toBe(422);
    const problem = answer.body as Problem;
    expect(problem.code).toBe('INSTANT_ORDER_INVALID');
    expect(problem.errors).toEqual(
      expect.arrayContaining([{ path, message: expect.stringMatching(new RegExp(`^${rule}: `)) as string }]),
    );
    expect(await orderCount()).toBe(before);
    expect(await held(WATER)).toBe(heldBefore);
  });

  it('sells the last unit once when two orders race for it', async () => {
    const last = sale({
      items: [{ productId: LAST_ONE, quantity: '1', price: '100.00', amount: '100.00' }],
      total: '100.00',
    });
    const answers = await Promise.all([courierA.post('', last), courierA.post('', last), courierA.post('', last)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422, 422]);
    const refused = answers.find((answer) => answer.status === 422)!.body as Problem;
    expect(refused.errors).toEqual([
      { path: 'items.0.quantity', message: expect.stringMatching(/^STOCK_SHORT: /) as string },
    ]);
    expect(await held(LAST_ONE)).toBe('1.000');

    // Cancelled, the unit is for sale again.
    const winner = answers.find((answer) => answer.status === 201)!.body as OrderBody;
    expect((await courierA.post(`/${winner.id}/cancel`, { reason: 'покупатель передумал' })).body).toMatchObject({
      status: 'cancelled',
    });
    expect(await held(LAST_ONE)).toBeNull();
    expect((await courierA.post('', last)).status).toBe(201);
  });

  it('keeps each courier to its own orders, and each role to its own doors', async () => {
    const order = await create();
    expect((await courierB.get(`/${order.id}`)).status).toBe(404);
    expect((await courierB.post(`/${order.id}/cancel`, {})).status).toBe(404);
    const listed = (await courierB.get(`?courier=${COURIER_A}`)).body as { items: OrderBody[] };
    expect(listed.items).toEqual([]);
    const own = (await courierB.get('')).body as { items: OrderBody[] };
    expect(own.items.every((item) => item.courierId === COURIER_B)).toBe(true);
    expect((await courierA.get('?limit=200')).body).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ id: order.id })]) as unknown,
    });
    // Lists filter by time of sale, buyer and status.
    const ids = async (query: string) =>
      ((await admin.get(`?limit=200&${query}`)).body as { items: OrderBody[] }).items.map((item) => item.id);
    expect(await ids(`sold_from=2026-12-05T09:00:00Z&sold_to=2026-12-05T10:00:00Z&counterparty=${ACME}`)).toContain(
      order.id,
    );
    expect(await ids('sold_to=2026-12-05T09:00:00Z')).not.toContain(order.id);
    expect(await ids(`counterparty=${CLOSED_SHOP}`)).not.toContain(order.id);
    expect(await ids('status=cancelled')).not.toContain(order.id);
    // A courier sells for itself only; 1C neither sells nor cancels; only 1C posts.
    const forB = await courierA.post('', sale({ courierId: COURIER_B }));
    expect([forB.status, (forB.body as Problem).errors?.[0]?.message]).toEqual([
      422,
      expect.stringMatching(/^NOT_THE_COURIER: /) as string,
    ]);
    expect((await onecSide.post('', sale())).status).toBe(403);
    expect((await onecSide.post(`/${order.id}/cancel`, {})).status).toBe(403);
    const ack = { outcome: 'posted', documentNumber: 'УТ-1', documentDate: '2026-12-05' };
    expect((await courierA.post(`/${order.id}/ack`, ack)).status).toBe(403);
    // An admin sells on behalf of a courier it names.
    const onBehalf = await admin.post('', sale({ courierId: COURIER_B }));
    expect(onBehalf).toMatchObject({ status: 201, body: { courierId: COURIER_B } });
    expect((await admin.post('', sale())).body).toMatchObject({ code: 'INSTANT_ORDER_COURIER_REQUIRED' });
  });

  it("serves waiting orders on sale/query, marks sent only the version 1C confirmed, and applies 1C's posting", async () => {
    await cancelWaiting();
    const order = await create();
    const client = harness.onec();

    // 1C read the query and crashed before success: the same order goes out again.
    const crashed = await client.runSaleExchange({ skipSuccess: true });
    const [served] = await documentsOf(crashed.query.bytes);
    expect(served).toMatchObject({ id: order.id, number: order.number, operation: 'Заказ товара', amount: '99.80' });
    expect(served.items).toMatchObject([{ id: WATER, quantity: '2.000', amount: '99.80' }]);
    const xsd = parseXmlTree(readFileSync(sharedCommerceMlXsd('2.10'), 'utf8'));
    const written = parseXmlTree(iconv.decode(crashed.query.bytes, 'win1251'));
    for (const document of written.children) {
      expect(violations(childNames(document), xsdSequence(xsd, complexType(xsd, 'Документ')))).toEqual([]);
    }

    // The courier changes the sale between 1C's query and its success: the success confirms the old version only.
    const queried = await client.call('sale', 'query', {});
    expect((await documentsOf(queried.bytes)).map((document) => document.amount)).toEqual(['99.80']);
    const amended = await courierA.put(
      `/${order.id}`,
      sale({
        items: [{ productId: WATER, quantity: '3', price: '49.90', amount: '149.70' }],
        total: '149.70',
      }),
    );
    expect(amended).toMatchObject({ status: 200, body: { status: 'accepted', total: '149.70' } });
    expect(await reservationOf(order.id)).toEqual([{ offer_id: WATER, quantity: '3.000', released: false }]);
    expect((await client.call('sale', 'success', {})).lines[0]).toBe('success');
    expect((await courierA.get(`/${order.id}`)).body).toMatchObject({ status: 'accepted', total: '149.70' });

    const confirmed = await client.runSaleExchange({ documents: [postedByOneC(order.id)] });
    expect((await documentsOf(confirmed.query.bytes)).map((document) => [document.id, document.amount])).toEqual([
      [order.id, '149.70'],
    ]);
    expect(confirmed.failure).toBeUndefined();
    const posted = (await courierA.get(`/${order.id}`)).body as OrderBody;
    expect(posted).toMatchObject({
      status: 'posted',
      onec: { outcome: 'posted', documentNumber: 'СА-013838' },
      history: [
        { action: 'created', to: 'accepted' },
        { action: 'updated', to: 'accepted' },
        { action: 'sent_to_1c', from: 'accepted', to: 'sent_to_1c', source: '1c' },
        { action: 'posted', from: 'sent_to_1c', to: 'posted', source: '1c' },
      ],
    });
    // Nothing left waiting; a cancellation after 1C took it is refused.
    expect(await documentsOf((await client.runSaleExchange()).query.bytes)).toEqual([]);
    expect((await courierA.post(`/${order.id}/cancel`, {})).status).toBe(409);
  });

  it('keeps a posting of an order the courier cancelled meanwhile as a collision, which an operator settles', async () => {
    await cancelWaiting();
    const order = await create();
    const client = harness.onec();
    // 1C read the order, crashed before success, and posted it; the courier cancelled it in between.
    await client.runSaleExchange({ skipSuccess: true });
    expect((await courierA.post(`/${order.id}/cancel`, { reason: 'покупатель передумал' })).status).toBe(200);
    expect((await client.runSaleExchange({ documents: [postedByOneC(order.id)] })).failure).toBeUndefined();
    expect((await courierA.get(`/${order.id}`)).body).toMatchObject({ status: 'cancelled', onec: null });

    const listed = await harness.call('GET', `/api/v1/admin/collisions?entity=${order.id}`, { role: 'admin' });
    const [collision] = (listed.body as { items: { id: string; domain: string; proposedBy: string }[] }).items;
    expect(collision).toMatchObject({ domain: 'instant-orders', proposedBy: '1c' });
    const resolve = (decision: string) =>
      harness.call('POST', `/api/v1/admin/collisions/${collision.id}/resolve`, {
        role: 'admin',
        body: { decision, value: decision === 'edit' ? {} : undefined, comment: '1C отгрузил, продажа состоялась' },
        idempotencyKey: `${collision.id}-${decision}`,
      });
    expect((await resolve('edit')).status).toBe(409);
    expect((await resolve('accept_1c')).status).toBe(200);
    expect((await courierA.get(`/${order.id}`)).body).toMatchObject({
      status: 'posted',
      onec: { outcome: 'posted', documentNumber: 'СА-013838' },
      history: expect.arrayContaining([
        expect.objectContaining({ action: 'corrected', from: 'cancelled', to: 'posted', source: 'admin' }),
      ]) as unknown,
    });
  });

  it("takes 1C's posting result over REST once: final, a repeat answers the same", async () => {
    await cancelWaiting();
    const order = await create();
    const posting = { outcome: 'posted', documentNumber: 'УТ-000789', documentDate: '2026-12-05' };
    const first = await onecSide.post(`/${order.id}/ack`, posting);
    expect(first).toMatchObject({ status: 200, body: { status: 'posted', onec: { documentNumber: 'УТ-000789' } } });
    expect(await onecSide.post(`/${order.id}/ack`, posting)).toMatchObject({ status: 200, body: first.body });
    const reversal = await onecSide.post(`/${order.id}/ack`, { outcome: 'rejected', reason: 'нет на складе' });
    expect([reversal.status, (reversal.body as Problem).code]).toEqual([409, 'INSTANT_ORDER_ILLEGAL_TRANSITION']);

    const refused = await create();
    expect(
      (await onecSide.post(`/${refused.id}/ack`, { outcome: 'rejected', reason: 'контрагент заблокирован' })).body,
    ).toMatchObject({ status: 'rejected_by_1c', onec: { outcome: 'rejected', reason: 'контрагент заблокирован' } });
    expect(await reservationOf(refused.id)).toEqual([{ offer_id: WATER, quantity: '2.000', released: true }]);
  });
});
