import { AppProcess, FakeBitrix24, RunningHttpApp, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { DELIVERY_TYPE, FAKE_SMART_PROCESSES, webhookEnv } from './bitrix24-harness';

const BURST = 14;
const RATE = 5;
const CHANGES = 120;
/**
 * Slots kept free for the jitter between taking a slot and the portal counting the request. The fake runs in the
 * test's own process beside the API: while that process is busy (the API taking the webhook burst, a GC pause), the
 * workers' requests wait in the socket and are then counted all at once, as if sent together. Seven slots at five a
 * second absorb a 1.4 s stall; three (0.6 s) were once overrun on a loaded CI run.
 */
const MARGIN = 7;

/**
 * Inbound processing re-reads every changed entity with its own `crm.item.get`: one request per event, nothing to
 * batch. Two worker processes racing through 120 events would overrun a bucket of 10 at once without a shared limiter.
 */
describe('Bitrix24: two worker processes share the portal quota', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let db: DataSource;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    fake = await FakeBitrix24.start({
      smartProcesses: FAKE_SMART_PROCESSES,
      limits: { burst: BURST, drainPerSec: RATE },
    });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      worker: false,
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
        BITRIX24_RATE_BURST: String(BURST),
        BITRIX24_RATE_PER_SECOND: String(RATE),
        BITRIX24_RATE_SAFETY_MARGIN: String(MARGIN),
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        WORKER_CONCURRENCY: '16',
        WORKER_OPS_PORT: '0',
      }),
    });
    ({ api, db } = middleware);
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMUPDATE'],
      applicationToken: hook.applicationToken,
    });
    fake.seed({
      items: Array.from({ length: CHANGES }, (_, index) => ({ entityTypeId: DELIVERY_TYPE, title: `Seeded ${index}` })),
    });
    for (let index = 0; index < 2; index++) {
      workers.push(AppProcess.start('testWorker', middleware.env.env));
    }
    await Promise.all(workers.map((worker) => worker.waitForOutput(/Consuming destinations/)));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await middleware?.close();
    await fake?.stop();
  });

  it('never exceeds the bucket: no 503, nothing dead-lettered, and both workers did the work', async () => {
    for (const item of fake.items(DELIVERY_TYPE)) {
      fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { title: `${String(item.title)}, edited` });
    }
    await fake.settleDeliveries();
    await waitFor(
      async () =>
        Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM bitrix24_inbound_changes'))[0].n) ===
        CHANGES,
      { what: 'every change applied', timeoutMs: 120_000, intervalMs: 250 },
    );
    const reads = fake.requests.filter((request) => request.method === 'crm.item.get');
    expect(reads.length).toBeGreaterThanOrEqual(CHANGES);
    expect(fake.stats.statusCounts['503'] ?? 0).toBe(0);
    expect(fake.stats.maxBucketFill).toBeLessThanOrEqual(BURST);
    // The bucket was pressed: the limiter, not the load, set the pace.
    expect(fake.stats.maxBucketFill).toBeGreaterThanOrEqual(BURST - MARGIN - 1);
    const elapsed = (reads[reads.length - 1].at - reads[0].at) / 1000;
    expect(elapsed).toBeGreaterThanOrEqual((CHANGES - BURST) / RATE - 1);
    for (const worker of workers) {
      expect(worker.logs).toMatch(/Bitrix24 change recorded/);
    }
    const [dead] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM dead_letters');
    expect(Number(dead.n)).toBe(0);
  }, 180_000);
});
