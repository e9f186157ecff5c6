import { randomUUID } from 'node:crypto';
import { type FakeOnecHttpService, waitFor } from '@app/testing';
import { startWithFakeOnec } from '../deliveries/deliveries-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import {
  COURIER_A,
  documentsOf,
  type OrderBody,
  ordersAs,
  sale,
  seedSaleTerms,
  WATER,
} from './instant-orders-fixtures';

describe("instant orders pushed to 1C's HTTP service", () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  const courier = ordersAs(() => harness, 'courier', COURIER_A);
  const onecSide = ordersAs(() => harness, '1c');
  const pushesOf = (orderId: string) =>
    onec.received.filter(
      (push) => push.status === 200 && (push.body as { data?: { orderId?: string } }).data?.orderId === orderId,
    );

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec());
    await seedSaleTerms(harness);
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('pushes an accepted order once through the outbox, and takes 1C’s answer over REST', async () => {
    const key = randomUUID();
    const created = await courier.post('', sale(), key);
    expect(created).toMatchObject({ status: 201, body: { status: 'sent_to_1c' } });
    const order = created.body as OrderBody;
    expect(await courier.post('', sale(), key)).toMatchObject({ status: 201, body: order });

    await waitFor(() => Promise.resolve(pushesOf(order.id).length > 0), { what: 'the push of the order' });
    const [push] = pushesOf(order.id);
    expect(push.body).toMatchObject({
      type: 'mastermobile.instant_order.submitted.v1',
      subject: `instant_order:${order.id}`,
      data: {
        number: order.number,
        courierId: COURIER_A,
        document: { id: order.id, operation: 'Заказ товара', amount: '99.80', items: [{ id: WATER, amount: '99.80' }] },
      },
    });
    expect(push.idempotencyKey).toBe((push.body as { id: string }).id);

    // Pushed, it is not served to the CommerceML exchange as well.
    const documents = await documentsOf((await harness.onec().runSaleExchange()).query.bytes);
    expect(documents).toEqual([]);

    const posted = await onecSide.post(`/${order.id}/ack`, {
      outcome: 'posted',
      documentNumber: 'УТ-000777',
      documentDate: '2026-12-05',
    });
    expect(posted).toMatchObject({ status: 200, body: { status: 'posted', onec: { documentNumber: 'УТ-000777' } } });
    // Cancelled after 1C took it: refused, and nothing more is pushed.
    expect((await courier.post(`/${order.id}/cancel`, {})).status).toBe(409);
    expect(pushesOf(order.id)).toHaveLength(1);
  });
});
