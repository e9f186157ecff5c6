import { AppProcess, FakeOnecHttpService, waitFor } from '@app/testing';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import {
  BOARD_CATEGORY,
  BOARD_MAPPING,
  BOARD_TYPE,
  COURIER_A,
  deliveriesAs,
  type DeliveryBody,
  seedBoardStages,
  seedMasterData,
  shipment,
  STAGES,
} from './deliveries-fixtures';

/** How long the fake 1C HTTP service stays down: the acceptance's minute. */
const ONEC_DOWN_MS = 60_000;
const DELIVERIES = 30;

/**
 * Retries and recovery short enough for a test: a killed worker's jobs run elsewhere within seconds, and a push is
 * retried every few seconds for far longer than the outage, so nothing reaches the dead letters.
 */
const FAST_RECOVERY = {
  EVENTS_JOB_LOCK_MS: '2000',
  EVENTS_STALLED_CHECK_INTERVAL_MS: '1000',
  EVENTS_RELAY_POLL_INTERVAL_MS: '200',
  EVENTS_BACKOFF_BASE_MS: '500',
  EVENTS_BACKOFF_MAX_MS: '4000',
  EVENTS_MAX_ATTEMPTS: '100',
  ONEC_HTTP_TIMEOUT_MS: '2000',
  ONEC_HTTP_BREAKER_HALF_OPEN_AFTER_MS: '2000',
  DELIVERIES_RESEND_CHECK_MINUTES: '0',
  WORKER_OPS_PORT: '0',
};

describe('deliveries through outages: 1C down for a minute, the worker killed with SIGKILL mid-flow', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  let onecPort: number;
  /** Every push the fake received, across its restart. */
  const received: FakeOnecHttpService['received'][number][] = [];
  const workers: AppProcess[] = [];

  const startWorker = async () => {
    const worker = AppProcess.start('worker', { ...harness.middleware.env.env, ...FAST_RECOVERY });
    workers.push(worker);
    await worker.waitForOutput(/ops endpoints on port \d+/, 60_000);
    return worker;
  };
  const confirmations = () =>
    [...received, ...(onec?.received ?? [])].filter(
      (push) =>
        (push.body as { type?: string }).type === 'mastermobile.delivery.execution_confirmed.v1' && push.status === 200,
    );

  beforeAll(async () => {
    onec = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
    onecPort = Number(new URL(onec.url).port);
    harness = await startMasterDataHarness({
      worker: false,
      mapping: BOARD_MAPPING,
      smartProcesses: [{ entityTypeId: BOARD_TYPE, categories: [{ id: BOARD_CATEGORY }] }],
      env: {
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        ...FAST_RECOVERY,
        ONEC_HTTP_BASE_URL: onec.url,
        ONEC_HTTP_LOGIN: 'middleware',
        ONEC_HTTP_PASSWORD: 'hs-password',
      },
    });
    seedBoardStages(harness);
    await seedMasterData(harness);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await harness?.close();
    await onec?.stop();
  });

  it('delivers every confirmation exactly once after 1C returns, across a worker killed twice', async () => {
    const onecSide = deliveriesAs(() => harness, '1c');
    const courier = deliveriesAs(() => harness, 'courier', COURIER_A);
    let worker = await startWorker();

    // 1C goes down; the courier keeps working.
    received.push(...onec.received);
    await onec.stop();
    const downAt = Date.now();
    const ids: string[] = [];
    for (let n = 0; n < DELIVERIES; n += 1) {
      const created = await onecSide.post('', shipment(700 + n));
      expect(created.status).toBe(201);
      const { id } = created.body as DeliveryBody;
      ids.push(id);
      for (const step of ['accepted', 'in_transit']) {
        expect((await courier.post(`/${id}/status`, { status: step, occurredAt: '2026-12-05T10:00:00Z' })).status).toBe(
          200,
        );
      }
      const outcome = { status: 'delivered', occurredAt: '2026-12-05T11:00:00Z', cashCollected: '116.99' };
      expect((await courier.post(`/${id}/status`, outcome)).status).toBe(200);
      if (n === DELIVERIES / 2) {
        // Mid-flow, while the worker retries pushes 1C refuses and writes the board to Bitrix24.
        worker.signal('SIGKILL');
        expect((await worker.waitForExit()).signal).toBe('SIGKILL');
        worker = await startWorker();
      }
    }

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ONEC_DOWN_MS - (Date.now() - downAt))));
    onec = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password', port: onecPort });
    // Killed again while the backlog drains into the returned 1C.
    await waitFor(async () => Promise.resolve(confirmations().length >= 1), {
      what: 'the first confirmation after 1C returned',
      timeoutMs: 60_000,
    });
    worker.signal('SIGKILL');
    await worker.waitForExit();
    await startWorker();

    await waitFor(
      async () =>
        Promise.resolve(
          new Set(confirmations().map((push) => (push.body as { data: { deliveryId: string } }).data.deliveryId))
            .size === DELIVERIES,
        ),
      { what: `all ${DELIVERIES} confirmations at 1C`, timeoutMs: 120_000, intervalMs: 250 },
    );
    // Nothing doubled: one accepted push per delivery; a repeat after a lost answer carries the same key, and 1C
    // (as we ask it to) answers it as the first one.
    const accepted = confirmations().filter((push) => !push.duplicate);
    expect(accepted.map((push) => (push.body as { data: { deliveryId: string } }).data.deliveryId).sort()).toEqual(
      [...ids].sort(),
    );
    const keysPerDelivery = new Map<string, Set<string | undefined>>();
    for (const push of confirmations()) {
      const id = (push.body as { data: { deliveryId: string } }).data.deliveryId;
      keysPerDelivery.set(id, (keysPerDelivery.get(id) ?? new Set()).add(push.idempotencyKey));
    }
    expect([...keysPerDelivery.values()].every((keys) => keys.size === 1)).toBe(true);
    const [{ n: deadLetters }] = await harness.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letters`);
    expect(deadLetters).toBe(0);
    // The board too: one item per delivery in the portal, at the delivered stage, whatever the kills cut short.
    await waitFor(
      async () =>
        Promise.resolve(
          harness.fake.items(BOARD_TYPE).filter((item) => item.stageId === STAGES.delivered).length === DELIVERIES,
        ),
      { what: 'every item at the delivered stage', timeoutMs: 60_000 },
    );
    const items = harness.fake.items(BOARD_TYPE).map((item) => String(item.xmlId));
    expect(items.sort()).toEqual([...ids].sort());
  }, 300_000);
});
