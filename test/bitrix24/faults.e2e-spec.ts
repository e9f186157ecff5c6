import type { UpsertRequest } from '@app/bitrix24';
import { AppProcess, FakeBitrix24, RunningHttpApp, waitFor, type FaultRule } from '@app/testing';
import { DataSource } from 'typeorm';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { DELIVERY_CATEGORY, DELIVERY_TYPE, FAKE_SMART_PROCESSES, requestUpserts, webhookEnv } from './bitrix24-harness';

const ENTITIES = 2_000;
const UPDATED = 500;
const STAGE = (code: string) => `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:${code}`;

/**
 * About 30 % of requests fail, a third of them after the portal committed the write (the answer never comes). Drawn
 * in sequence, so each rule's probability is of what the rules before it left: 0.10 + 0.9·0.056 + … ≈ 0.30.
 */
const FAULTS: FaultRule[] = [
  { method: '*', kind: 'timeout-after-commit', probability: 0.05, delayMs: 200 },
  { method: '*', kind: 'timeout-after-commit', probability: 0.0527 },
  { method: '*', kind: 'internal-error', probability: 0.0833 },
  { method: '*', kind: 'html', probability: 0.0606 },
  { method: '*', kind: 'connection-reset', probability: 0.0645 },
];

function request(index: number, version: 'create' | 'update'): UpsertRequest {
  return {
    kind: 'delivery',
    externalId: `delivery-${index}`,
    fields: {
      title: `Delivery ${index}${version === 'update' ? ' (rerouted)' : ''}`,
      amount: version === 'update' ? index + 0.5 : index,
      onecId: `1c-${index}`,
      address: `Street ${index}`,
    },
    status: version === 'update' ? 'en_route' : 'new',
  };
}

describe('Bitrix24: 2,000 creates and updates through two worker processes, 30 % faults', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let db: DataSource;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    // The standard plan's bucket, shared by both workers through Redis.
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, limits: { burst: 50, drainPerSec: 2 } });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, { WORKER_OPS_PORT: '0', BITRIX24_RECONCILE_INTERVAL_MS: '0' }),
      worker: false,
    });
    ({ api, db } = middleware);
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

  it('ends with exactly one entity per delivery, every field as last requested, and nothing dead-lettered', async () => {
    fake.setFaults(FAULTS, 7);
    await requestUpserts(
      api.app,
      Array.from({ length: ENTITIES }, (_, index) => request(index, 'create')),
    );
    await requestUpserts(
      api.app,
      Array.from({ length: UPDATED }, (_, index) => request(index * 4, 'update')),
    );
    await waitFor(
      async () => {
        const [row] = await db.query<{ open: string }[]>(
          `SELECT count(*) AS open FROM outbox_events WHERE destination = 'bitrix24' AND status <> 'delivered'`,
        );
        return Number(row.open) === 0;
      },
      { what: 'every upsert delivered', timeoutMs: 240_000, intervalMs: 500 },
    );

    const items = fake.items(DELIVERY_TYPE);
    const xmlIds = items.map((item) => item.xmlId);
    expect(new Set(xmlIds).size).toBe(items.length);
    expect(items).toHaveLength(ENTITIES);
    for (const item of items) {
      const index = Number(String(item.xmlId).replace('delivery-', ''));
      const expected = request(index, index % 4 === 0 && index / 4 < UPDATED ? 'update' : 'create');
      expect({
        id: item.xmlId,
        title: item.title,
        opportunity: item.opportunity,
        onec: item.ufCrm5_OnecId,
        address: item.ufCrm5_Address,
        stage: item.stageId,
      }).toEqual({
        id: expected.externalId,
        title: expected.fields.title,
        opportunity: expected.fields.amount,
        onec: expected.fields.onecId,
        address: expected.fields.address,
        stage: STAGE(expected.status === 'new' ? 'NEW' : 'PREPARATION'),
      });
    }
    const faults = fake.requests.filter((call) => call.fault !== undefined);
    expect(faults.filter((call) => call.fault === 'timeout-after-commit').length).toBeGreaterThan(3);
    expect(faults.length / fake.requests.length).toBeGreaterThan(0.2);
    // Creates whose answer was lost were looked up by xmlId before anything was sent again.
    const lookups = fake.requests.filter((call) =>
      Object.keys((call.params.cmd as object | undefined) ?? {}).some((name) => name.startsWith('lookup_')),
    );
    expect(lookups.length).toBeGreaterThan(0);
    // The shared limiter kept both workers inside the portal's bucket.
    expect(fake.stats.statusCounts['503'] ?? 0).toBe(0);
    expect(fake.stats.maxBucketFill).toBeLessThanOrEqual(50);
    const [dead] = await db.query<{ count: string }[]>(`SELECT count(*) FROM dead_letters`);
    expect(Number(dead.count)).toBe(0);
  }, 300_000);
});
