import { SlaMonitor } from '@app/sla';
import { RecordingAlertPublisher, TestClock, waitFor } from '@app/testing';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { COURIER_A, type DeliveryBody, deliveriesAs, seedMasterData, shipment } from './deliveries-fixtures';

interface DeviationBody {
  id: string;
  subject: string;
  label: string;
  courierId: string | null;
  status: string;
  resolvedBy: string | null;
  link: string;
}

const MINUTE = 60_000;

describe('deliveries: the SLA rule on 1C’s acknowledgement of an outcome', () => {
  const clock = new TestClock();
  const alerts = new RecordingAlertPublisher();
  let harness: MasterDataHarness;
  const onecSide = deliveriesAs(() => harness, '1c');
  const courierA = deliveriesAs(() => harness, 'courier', COURIER_A);
  const evaluate = async () =>
    (await harness.middleware.worker!.app.get(SlaMonitor).evaluate(['confirmation_not_acknowledged'])).rules[0];
  const deviationsOf = async (id: string) =>
    (
      (await harness.call('GET', `/api/v1/admin/deviations?subject=delivery:${id}`)).body as {
        items: DeviationBody[];
      }
    ).items;

  beforeAll(async () => {
    harness = await startMasterDataHarness({ clock, alerts, env: { SLA_EVALUATE_SECONDS: '0' } });
    await seedMasterData(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('opens a deviation once the outcome waits past the threshold and resolves it on 1C’s acknowledgement', async () => {
    const { id } = (await onecSide.post('', shipment(1))).body as DeliveryBody;
    for (const status of ['accepted', 'in_transit']) {
      expect((await courierA.post(`/${id}/status`, { status, occurredAt: new Date().toISOString() })).status).toBe(200);
    }
    const delivered = await courierA.post(`/${id}/status`, {
      status: 'delivered',
      occurredAt: new Date().toISOString(),
      cashCollected: '116.99',
    });
    expect(delivered.status).toBe(200);
    expect(await evaluate()).toMatchObject({ outcome: 'evaluated', breaches: 0 });

    clock.advance(31 * MINUTE);
    expect(await evaluate()).toMatchObject({ breaches: 1, opened: 1 });
    const [open] = await deviationsOf(id);
    expect(open).toMatchObject({
      label: 'УТ-1',
      courierId: COURIER_A,
      status: 'open',
      link: `/api/v1/deliveries/${id}`,
    });
    expect(alerts.alerts).toEqual([
      expect.objectContaining({
        id: open.id,
        transition: 'opened',
        rule: 'confirmation_not_acknowledged',
        subject: 'УТ-1',
        limit: '30 min',
      }),
    ]);

    // The acknowledgement asks the worker to evaluate the rule: no schedule runs here, and none is needed.
    expect((await onecSide.post(`/${id}/ack`, { documentNumber: 'ПКО-1', documentDate: '2026-12-05' })).status).toBe(
      200,
    );
    await waitFor(async () => (await deviationsOf(id))[0].status === 'resolved', {
      what: 'the event-triggered evaluation to resolve the deviation',
    });
    expect((await deviationsOf(id))[0]).toMatchObject({ resolvedBy: 'monitor' });
    expect(alerts.alerts.map((alert) => [alert.id, alert.transition])).toEqual([
      [open.id, 'opened'],
      [open.id, 'resolved'],
    ]);

    const report = await harness.call(
      'GET',
      `/api/v1/admin/reports/sla?from=${new Date(Date.now() - 60 * MINUTE).toISOString()}&to=${clock.advance(MINUTE).toISOString()}`,
    );
    expect((report.body as { byCourier: unknown[] }).byCourier).toEqual([
      expect.objectContaining({ courierId: COURIER_A, opened: 1, resolved: 1 }),
    ]);
  });
});
