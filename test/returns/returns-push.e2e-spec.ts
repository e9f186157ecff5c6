import { randomUUID } from 'node:crypto';
import { type FakeOnecHttpService, waitFor } from '@app/testing';
import { startWithFakeOnec } from '../deliveries/deliveries-fixtures';
import {
  COURIER_A,
  type OrderBody,
  ordersAs,
  sale,
  seedSaleTerms,
  WATER,
} from '../instant-orders/instant-orders-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';

describe("returns pushed to 1C's HTTP service", () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  const call = (role: '1c' | 'admin' | 'courier', path: string, body: unknown = {}) =>
    harness.call('POST', `/api/v1/returns${path}`, { role, courierId: COURIER_A, body, idempotencyKey: randomUUID() });

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec());
    await seedSaleTerms(harness);
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('pushes a received return once, with its shortfall and cash refund, and serves it nowhere else', async () => {
    const order = (await ordersAs(() => harness, 'courier', COURIER_A).post('', sale())).body as OrderBody;
    await ordersAs(() => harness, '1c').post(`/${order.id}/ack`, {
      outcome: 'posted',
      documentNumber: 'УТ-1',
      documentDate: '2026-12-05',
    });
    const requested = await call('courier', '', {
      sale: { kind: 'instant_order', id: order.id },
      items: [{ lineNo: 1, quantity: '2', reason: 'defective' }],
    });
    const { id } = requested.body as { id: string };
    await call('admin', `/${id}/approve`);
    await call('courier', `/${id}/pick-up`, { occurredAt: '2026-12-05T15:00:00+03:00', cashRefund: '99.80' });
    const received = await call('admin', `/${id}/receive`, {
      occurredAt: '2026-12-05T18:00:00+03:00',
      items: [{ lineNo: 1, quantity: '1' }],
    });
    expect(received).toMatchObject({ status: 200, body: { status: 'received' } });

    const pushesOf = () =>
      onec.received.filter(
        (push) => push.status === 200 && (push.body as { data?: { returnId?: string } }).data?.returnId === id,
      );
    await waitFor(() => Promise.resolve(pushesOf().length > 0), { what: 'the push of the return' });
    expect(pushesOf()[0].body).toMatchObject({
      type: 'mastermobile.return.received.v1',
      subject: `return:${id}`,
      data: {
        cashRefund: '99.80',
        shortfall: [{ lineNo: 1, expected: '2.000', received: '1.000' }],
        // 99.80 at 22 % includes 17.997… → 18.00 of VAT.
        document: { operation: 'Возврат товара', amount: '99.80', items: [{ id: WATER, vat: { amount: '18.00' } }] },
      },
    });
    const query = await harness.onec().runSaleExchange();
    expect(query.query.text).not.toContain(id);
    const posted = await call('1c', `/${id}/ack`, { documentNumber: 'УТ-000321', documentDate: '2026-12-05' });
    expect(posted.body).toMatchObject({ status: 'posted' });
  });
});
