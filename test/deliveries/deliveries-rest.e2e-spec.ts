import { randomUUID } from 'node:crypto';
import { DeliveriesConfirmationResendJob } from '@app/deliveries';
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
  WATER,
  CLOSED_SHOP,
} from './deliveries-fixtures';

describe('deliveries over REST: 1C creates, the courier reports, 1C is told and acknowledges', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;

  const as = (role: '1c' | 'admin' | 'courier', courierId?: string) => deliveriesAs(() => harness, role, courierId);
  const onecSide = as('1c');
  const courierA = as('courier', COURIER_A);
  const courierB = as('courier', COURIER_B);
  const admin = as('admin');
  const status = (status: string, extra: Record<string, unknown> = {}) => ({
    status,
    occurredAt: '2026-12-05T11:00:00+03:00',
    ...extra,
  });
  const confirmationsOf = (id: string) =>
    onec.received.filter(
      (push) =>
        push.status === 200 &&
        !push.duplicate &&
        (push.body as { data?: { deliveryId?: string } }).data?.deliveryId === id,
    );
  const auditRows = async (id: string) =>
    (await harness.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_trail WHERE entity_id = $1`, [id]))[0].n;
  const auditRow = async (entityId: string, action: string) =>
    (
      await harness.query<{ actor: string; request_id: string | null }>(
        `SELECT actor, request_id FROM audit_trail WHERE entity_id = $1 AND action = $2`,
        [entityId, action],
      )
    )[0];
  const create = async (n: number, overrides: Record<string, unknown> = {}) => {
    const answer = await onecSide.post('', shipment(n, overrides));
    expect(answer.status).toBe(201);
    return answer.body as DeliveryBody;
  };

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec({
      DELIVERIES_CONFIRMATION_RESEND_MINUTES: '1',
      DELIVERIES_ACK_OVERDUE_MINUTES: '5',
    }));
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('creates a delivery once per 1C document, with its decimals in canonical form', async () => {
    const key = randomUUID();
    const first = await onecSide.post('', shipment(1), key);
    expect(first.status).toBe(201);
    const delivery = first.body as DeliveryBody;
    expect(delivery).toMatchObject({
      status: 'assigned',
      courierId: COURIER_A,
      version: 1,
      items: [
        { lineNo: 1, quantity: '2.000', price: '49.90', amount: '99.80' },
        { lineNo: 2, quantity: '0.375', price: '312.50', amount: '117.19' },
      ],
      totals: { total: '216.99', cashOnDelivery: '116.99' },
      outcome: null,
    });
    // The same request replayed with its key, and the same document sent again under a new key.
    expect(await onecSide.post('', shipment(1), key)).toMatchObject({ status: 201, body: delivery });
    expect(await onecSide.post('', shipment(1))).toMatchObject({ status: 200, body: delivery });
    const other = await onecSide.post('', shipment(1, { comment: 'Позвонить заранее' }));
    expect(other.status).toBe(409);
    expect((other.body as Problem).code).toBe('DELIVERY_DOCUMENT_EXISTS');
    const [{ n }] = await harness.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE onec_document_id = $1`,
      [guid(1001)],
    );
    expect(n).toBe(1);
    expect(await auditRows(delivery.id)).toBe(1);
  });

  it('refuses a delivery that names what master data does not hold in use, or whose sums do not add up: 422 naming each field, nothing stored', async () => {
    const before = await harness.query(`SELECT count(*)::int AS n FROM deliveries`);
    const answer = await onecSide.post(
      '',
      shipment(2, {
        counterpartyId: CLOSED_SHOP,
        courierId: guid(99),
        items: [
          { lineNo: 1, productId: GONE, quantity: '1', price: '10', vatRate: '22', amount: '10.00' },
          { lineNo: 2, productId: WATER, quantity: '3', price: '49.90', vatRate: '22', amount: '149.71' },
          { lineNo: 3, productId: WATER, quantity: '1.0005', price: '1', vatRate: '22', amount: '1' },
        ],
        totals: { total: '159.71', cashOnDelivery: '200' },
      }),
    );
    expect(answer.status).toBe(422);
    const problem = answer.body as Problem;
    expect(problem.code).toBe('DELIVERY_INVALID');
    expect(problem.errors!.map((error) => error.path).sort()).toEqual(
      [
        'counterpartyId',
        'courierId',
        'items.0.productId',
        'items.1.amount',
        'items.2.quantity',
        'totals.cashOnDelivery',
      ].sort(),
    );
    expect(await harness.query(`SELECT count(*)::int AS n FROM deliveries`)).toEqual(before);
  });

  it('takes the courier through to delivered, confirms to 1C once, and closes on 1C’s acknowledgement', async () => {
    const { id } = await create(3);
    expect((await courierA.post(`/${id}/status`, status('accepted'))).status).toBe(200);
    expect((await courierA.post(`/${id}/status`, status('in_transit'))).status).toBe(200);
    const key = randomUUID();
    const report = status('delivered', { cashCollected: '116.99', geo: { latitude: '55.75', longitude: '37.62' } });
    const delivered = await courierA.post(`/${id}/status`, report, key);
    expect(delivered.status).toBe(200);
    expect((delivered.body as DeliveryBody).outcome).toMatchObject({
      status: 'delivered',
      deliveredAmount: '216.99',
      cashCollected: '116.99',
    });
    // The same report replayed with its key, and sent again under a new one: one transition, one confirmation.
    expect(await courierA.post(`/${id}/status`, report, key)).toMatchObject({ status: 200, body: delivered.body });
    expect((await courierA.post(`/${id}/status`, report)).status).toBe(200);
    await waitFor(async () => Promise.resolve(confirmationsOf(id).length === 1), {
      what: '1C receiving the confirmation',
    });
    const [confirmation] = confirmationsOf(id);
    expect(confirmation.body).toMatchObject({
      type: 'mastermobile.delivery.execution_confirmed.v1',
      data: {
        deliveryId: id,
        document: { number: 'УТ-3', onecId: guid(1003) },
        status: 'delivered',
        deliveredAmount: '216.99',
        cashCollected: '116.99',
        items: [
          { lineNo: 1, shippedQuantity: '2.000', deliveredQuantity: '2.000', deliveredAmount: '99.80' },
          { lineNo: 2, shippedQuantity: '0.375', deliveredQuantity: '0.375', deliveredAmount: '117.19' },
        ],
      },
    });

    const closed = await onecSide.post(`/${id}/ack`, { documentNumber: 'ПКО-17', documentDate: '2026-12-05' });
    expect(closed.status).toBe(200);
    expect((closed.body as DeliveryBody).status).toBe('closed');
    const detail = (await admin.get(`/${id}`)).body as DeliveryBody;
    expect(detail.history!.map((entry) => [entry.action, entry.from, entry.to, entry.source])).toEqual([
      ['created', null, 'assigned', '1c'],
      ['status_changed', 'assigned', 'accepted', 'courier-rest'],
      ['status_changed', 'accepted', 'in_transit', 'courier-rest'],
      ['status_changed', 'in_transit', 'delivered', 'courier-rest'],
      ['status_changed', 'delivered', 'closed', '1c'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(confirmationsOf(id)).toHaveLength(1);
  });

  it('checks a partial delivery’s quantities and cash against the shipment, and asks a failure its reason', async () => {
    const partial = await create(4);
    const failed = await create(5);
    for (const { id } of [partial, failed]) {
      await courierA.post(`/${id}/status`, status('accepted'));
      await courierA.post(`/${id}/status`, status('in_transit'));
    }
    const half = { delivered: [{ lineNo: 2, quantity: '0.25' }], failureReason: 'customer_refused' };
    // 99.80 + 0.25 × 312.50 = 78.125 → 78.13, less the 100.00 prepaid.
    const wrongCash = await courierA.post(
      `/${partial.id}/status`,
      status('partially_delivered', { ...half, cashCollected: '78.12' }),
    );
    expect(wrongCash.status).toBe(422);
    expect((wrongCash.body as Problem).errors).toEqual([
      { path: 'cashCollected', message: 'the delivered goods call for 77.93 in cash, not 78.12' },
    ]);
    const tooMuch = await courierA.post(
      `/${partial.id}/status`,
      status('partially_delivered', { ...half, delivered: [{ lineNo: 1, quantity: '3' }], cashCollected: '0' }),
    );
    expect((tooMuch.body as Problem).errors?.map((error) => error.path)).toEqual(['delivered.0.quantity']);
    const ok = await courierA.post(
      `/${partial.id}/status`,
      status('partially_delivered', { ...half, cashCollected: '77.93' }),
    );
    expect(ok.status).toBe(200);
    expect((ok.body as DeliveryBody).outcome).toMatchObject({ deliveredAmount: '177.93', cashCollected: '77.93' });

    const noReason = await courierA.post(`/${failed.id}/status`, status('failed', { cashCollected: '0' }));
    expect((noReason.body as Problem).errors?.map((error) => error.path)).toEqual(['failureReason']);
    const failure = await courierA.post(
      `/${failed.id}/status`,
      status('failed', { failureReason: 'customer_absent', cashCollected: '0' }),
    );
    expect((failure.body as DeliveryBody).outcome).toMatchObject({ status: 'failed', cashCollected: '0.00' });
    await waitFor(
      async () => Promise.resolve(confirmationsOf(partial.id).length + confirmationsOf(failed.id).length === 2),
      {
        what: 'both confirmations',
      },
    );
  });

  it('refuses an illegal move with 409 naming the current state, and lets only an admin correct an outcome, with a reason', async () => {
    const { id } = await create(6);
    const early = await courierA.post(`/${id}/status`, status('delivered', { cashCollected: '116.99' }));
    expect(early.status).toBe(409);
    expect((early.body as Problem).detail).toMatch(/^The delivery is assigned: /);
    await courierA.post(`/${id}/status`, status('accepted'));
    await courierA.post(`/${id}/status`, status('in_transit'));
    await courierA.post(`/${id}/status`, status('delivered', { cashCollected: '116.99' }));

    const byCourier = await courierA.post(
      `/${id}/status`,
      status('failed', { failureReason: 'other', cashCollected: '0' }),
    );
    expect(byCourier.status).toBe(403);
    const noReason = await admin.post(
      `/${id}/status`,
      status('failed', { failureReason: 'other', cashCollected: '0' }),
    );
    expect(noReason.status).toBe(409);
    const corrected = await admin.post(
      `/${id}/status`,
      status('failed', { failureReason: 'other', cashCollected: '0', correctionReason: 'reported on the wrong task' }),
    );
    expect(corrected.status).toBe(200);
    const history = ((await admin.get(`/${id}`)).body as DeliveryBody).history!;
    expect(history.at(-1)).toMatchObject({ action: 'corrected', from: 'delivered', to: 'failed', source: 'admin' });
    // The admin action's audit row names the operator and the request it came with.
    expect(await auditRow(id, 'corrected')).toEqual({
      actor: 'admin-subject',
      request_id: corrected.headers.get('x-request-id'),
    });
  });

  it('lets 1C change or cancel a delivery only before dispatch', async () => {
    const waiting = await create(7, { courierId: undefined });
    expect(waiting.status).toBe('new');
    const assigned = await onecSide.put(`/${waiting.id}`, shipment(7, { comment: 'Домофон 5' }));
    expect(assigned.body).toMatchObject({ status: 'assigned', version: 2 });
    expect((await onecSide.post(`/${waiting.id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    expect((await onecSide.post(`/${waiting.id}/cancel`)).body).toMatchObject({ status: 'cancelled', version: 3 });

    const { id } = await create(8);
    await courierA.post(`/${id}/status`, status('accepted'));
    await courierA.post(`/${id}/status`, status('in_transit'));
    expect((await onecSide.post(`/${id}/cancel`)).status).toBe(409);
  });

  it('keeps 1C’s change of a dispatched delivery as a collision until an operator resolves it, then tells 1C', async () => {
    const { id } = await create(12);
    await courierA.post(`/${id}/status`, status('accepted'));
    await courierA.post(`/${id}/status`, status('in_transit'));
    const late = await onecSide.put(`/${id}`, shipment(12, { comment: 'Позвонить за час' }));
    expect(late.status).toBe(202);
    const collision = late.body as { id: string; field: string; proposedBy: string; status: string };
    expect(collision).toMatchObject({ field: 'content', proposedBy: '1c', status: 'open' });
    // Sent again, it is the same collision; the delivery has not changed.
    expect((await onecSide.put(`/${id}`, shipment(12, { comment: 'Позвонить за час' }))).body).toMatchObject({
      id: collision.id,
    });
    expect(((await admin.get(`/${id}`)).body as DeliveryBody & { comment: string | null }).comment).toBeNull();

    const collisions = (path: string) => harness.call('GET', `/api/v1/admin/collisions${path}`, { role: 'admin' });
    const listed = (await collisions(`?entity=${id}&status=open`)).body as { items: { id: string }[] };
    expect(listed.items.map((item) => item.id)).toEqual([collision.id]);
    expect((await collisions('')).status).toBe(200);
    expect((await harness.call('GET', '/api/v1/admin/collisions', { role: '1c' })).status).toBe(403);
    const openCollisionMetrics = async () =>
      (await (await fetch(`${harness.middleware.api.url}/metrics`)).text())
        .split('\n')
        .filter((line) => line.startsWith('collisions_open{domain="deliveries"}'));
    expect(await openCollisionMetrics()).toEqual(['collisions_open{domain="deliveries"} 1']);

    const resolve = (decision: string, extra: Record<string, unknown> = {}, key = randomUUID()) =>
      harness.call('POST', `/api/v1/admin/collisions/${collision.id}/resolve`, {
        role: 'admin',
        body: { decision, comment: 'the customer asked 1C', ...extra },
        idempotencyKey: key,
      });
    const resolved = await resolve('accept_1c');
    expect(resolved.status).toBe(200);
    expect(await auditRow(collision.id, 'resolved')).toEqual({
      actor: 'admin-subject',
      request_id: resolved.headers.get('x-request-id'),
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { decision: 'accept_1c' } });
    expect(await openCollisionMetrics()).toEqual([]);
    expect((await resolve('accept_1c')).status).toBe(200);
    expect((await resolve('accept_middleware')).status).toBe(409);
    const after = (await admin.get(`/${id}`)).body as DeliveryBody & { comment: string | null };
    expect({ status: after.status, comment: after.comment }).toEqual({
      status: 'in_transit',
      comment: 'Позвонить за час',
    });
    await waitFor(
      async () =>
        Promise.resolve(
          onec.received.some(
            (push) =>
              (push.body as { type?: string; data?: { collisionId?: string } }).type ===
                'mastermobile.delivery.collision_resolved.v1' &&
              (push.body as { data: { collisionId: string } }).data.collisionId === collision.id,
          ),
        ),
      { what: '1C told of the resolution' },
    );

    // An operator's own value: only the fields a courier's run can take (address, contact, window, comment).
    const second = (await onecSide.put(`/${id}`, shipment(12, { address: 'Москва, ул. Тверская, 7' }))).body as {
      id: string;
    };
    const edit = (value: unknown) =>
      harness.call('POST', `/api/v1/admin/collisions/${second.id}/resolve`, {
        role: 'admin',
        body: { decision: 'edit', value, comment: 'agreed by phone' },
        idempotencyKey: randomUUID(),
      });
    expect((await edit({ total: '1.00' })).status).toBe(409);
    expect((await edit({ address: 'Москва, ул. Тверская, 7, подъезд 2' })).status).toBe(200);
    expect(((await admin.get(`/${id}`)).body as { address: string }).address).toBe(
      'Москва, ул. Тверская, 7, подъезд 2',
    );
  });

  it('sends an unacknowledged confirmation again on its backoff, and lists and counts overdue outcomes', async () => {
    const { id } = await create(13);
    await courierA.post(`/${id}/status`, status('accepted'));
    await courierA.post(`/${id}/status`, status('in_transit'));
    await courierA.post(`/${id}/status`, status('delivered', { cashCollected: '116.99' }));
    await waitFor(async () => Promise.resolve(confirmationsOf(id).length === 1), { what: 'the first confirmation' });
    const job = harness.middleware.worker!.app.get(DeliveriesConfirmationResendJob);
    const age = (minutes: number) =>
      harness.query(
        `UPDATE deliveries SET confirmation_sent_at = now() - $2 * interval '1 minute',
                               updated_at = now() - $2 * interval '1 minute' WHERE id = $1`,
        [id, minutes],
      );

    // Not due yet (sent just now): nothing is sent again.
    expect(await job.run(new AbortController().signal)).toMatchObject({ resent: 0 });
    await age(1.5);
    const due = await job.run(new AbortController().signal);
    expect(due.resent).toBeGreaterThanOrEqual(1);
    await waitFor(async () => Promise.resolve(confirmationsOf(id).length === 2), { what: 'the second confirmation' });
    // The second re-send waits twice as long: 1.5 minutes later it is not due.
    await age(1.5);
    await job.run(new AbortController().signal);
    const [{ confirmations_sent }] = await harness.query<{ confirmations_sent: number }>(
      'SELECT confirmations_sent FROM deliveries WHERE id = $1',
      [id],
    );
    expect(confirmations_sent).toBe(2);

    await age(10);
    const overdue = ((await admin.get('?overdue=true&limit=200')).body as { items: DeliveryBody[] }).items;
    expect(overdue.map((delivery) => delivery.id)).toContain(id);
    expect(overdue.every((delivery) => ['delivered', 'partially_delivered', 'failed'].includes(delivery.status))).toBe(
      true,
    );
    expect((await job.run(new AbortController().signal)).overdue).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`http://127.0.0.1:${harness.middleware.worker!.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/deliveries_unacknowledged_outcomes\{age="overdue"\} [1-9]/);

    await onecSide.post(`/${id}/ack`, { documentNumber: 'ПКО-13', documentDate: '2026-12-05' });
    const after = ((await admin.get('?overdue=true&limit=200')).body as { items: DeliveryBody[] }).items;
    expect(after.map((delivery) => delivery.id)).not.toContain(id);
  });

  it('shows a courier only its own deliveries: another’s is 404 to read, list, filter or change', async () => {
    const { id } = await create(9);
    expect((await courierB.get(`/${id}`)).status).toBe(404);
    expect((await courierB.post(`/${id}/status`, status('accepted'))).status).toBe(404);
    const own = (await courierB.get('')).body as { items: DeliveryBody[] };
    expect(own.items).toEqual([]);
    expect(((await courierB.get(`?courier=${COURIER_A}`)).body as { items: unknown[] }).items).toEqual([]);
    const listedForA = ((await courierA.get('?limit=200')).body as { items: DeliveryBody[] }).items;
    expect(listedForA.length).toBeGreaterThan(0);
    expect(listedForA.every((delivery) => delivery.courierId === COURIER_A)).toBe(true);
    expect((await courierA.get(`/${id}`)).status).toBe(200);
  });

  it('keeps each door to its role', async () => {
    const { id } = await create(10);
    expect((await onecSide.post(`/${id}/status`, status('accepted'))).status).toBe(403);
    expect((await courierA.post('', shipment(11))).status).toBe(403);
    expect((await courierA.post(`/${id}/ack`, { documentNumber: 'X', documentDate: '2026-12-05' })).status).toBe(403);
  });

  it('pages the list newest first with a cursor, and filters by status and document', async () => {
    const first = (await admin.get('?limit=2')).body as { items: DeliveryBody[]; nextCursor?: string };
    expect(first.items).toHaveLength(2);
    const second = (await admin.get(`?limit=2&cursor=${first.nextCursor}`)).body as { items: DeliveryBody[] };
    expect(second.items.map((item) => item.id)).not.toContain(first.items[0].id);
    const cancelled = (await admin.get('?status=cancelled')).body as { items: DeliveryBody[] };
    expect(cancelled.items.map((item) => item.status)).toEqual(['cancelled']);
    const byDocument = (await admin.get(`?document=${guid(1003)}`)).body as { items: DeliveryBody[] };
    expect(byDocument.items.map((item) => item.status)).toEqual(['closed']);
    expect((await admin.get('?cursor=garbage')).status).toBe(400);
  });
});
