import { AppConfig } from '@app/core';
import { FakeBitrix24, RunningHttpApp, tokenFor, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { DELIVERY_TYPE, FAKE_SMART_PROCESSES, requestUpserts, webhookEnv } from './bitrix24-harness';

interface ConnectorStatus {
  name: string;
  configured: boolean;
  state: string;
  message?: string;
  details?: Record<string, unknown>;
}

async function bitrix24Status(api: RunningHttpApp, config: AppConfig): Promise<ConnectorStatus> {
  const response = await fetch(`${api.url}/api/v1/admin/connectors`, {
    headers: { authorization: `Bearer ${tokenFor(config, 'admin')}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { connectors: ConnectorStatus[] };
  return body.connectors.find((connector) => connector.name === 'bitrix24')!;
}

const counts = async (db: DataSource) => {
  const [row] = await db.query<{ open: string; dead: string; attempts: string }[]>(
    `SELECT (SELECT count(*) FROM outbox_events WHERE destination = 'bitrix24' AND status <> 'delivered') AS open,
            (SELECT count(*) FROM dead_letters) AS dead,
            (SELECT coalesce(max(attempts), 0) FROM outbox_events WHERE destination = 'bitrix24') AS attempts`,
  );
  return { open: Number(row.open), dead: Number(row.dead), attempts: Number(row.attempts) };
};

describe('Bitrix24 connector resilience', () => {
  describe('circuit breaker', () => {
    let middleware: InProcessMiddleware;
    let fake: FakeBitrix24;
    let config: AppConfig;
    let api: RunningHttpApp;
    let worker: RunningWorker;
    let db: DataSource;

    beforeAll(async () => {
      fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES });
      middleware = await startInProcessMiddleware({
        env: webhookEnv(fake, {
          BITRIX24_BREAKER_FAILURES: '3',
          BITRIX24_BREAKER_HALF_OPEN_AFTER_MS: '1500',
          BITRIX24_RECONCILE_INTERVAL_MS: '0',
        }),
      });
      ({ config, api, db } = middleware);
      worker = middleware.worker!;
    });
    afterAll(async () => {
      await middleware?.close();
      await fake?.stop();
    });

    it('opens on repeated transient failures, delays jobs instead of dead-lettering them, and recovers', async () => {
      expect(await bitrix24Status(api, config)).toMatchObject({ configured: true, state: 'ok' });
      fake.setFaults([{ method: '*', kind: 'internal-error', probability: 1 }]);
      await requestUpserts(
        api.app,
        Array.from({ length: 5 }, (_, index) => ({
          kind: 'delivery' as const,
          externalId: `b-${index}`,
          fields: { title: `B ${index}` },
        })),
      );
      const open = await waitFor(
        async () => {
          const status = await bitrix24Status(api, config);
          return status.state === 'circuit_open' ? status : undefined;
        },
        { what: 'the circuit to open' },
      );
      expect(open.details?.circuitBreakers).toEqual([expect.objectContaining({ state: 'open' })]);
      const metrics = await (await fetch(`http://127.0.0.1:${worker.opsPort}/metrics`)).text();
      expect(metrics).toMatch(/bitrix24_circuit_state\{portal="[^"]+"\} 2/);
      expect(metrics).toMatch(/bitrix24_calls_total\{method="batch",outcome="BITRIX24_INTERNAL_ERROR"\} \d+/);
      const requestsWhileOpen = fake.stats.requests;
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Fails fast while open: no calls reach the portal.
      expect(fake.stats.requests).toBe(requestsWhileOpen);

      fake.clearFaults();
      await waitFor(async () => (await counts(db)).open === 0, { what: 'the delayed jobs to complete' });
      expect((await counts(db)).dead).toBe(0);
      expect(fake.items(DELIVERY_TYPE)).toHaveLength(5);
      await waitFor(async () => (await bitrix24Status(api, config)).state === 'ok', { what: 'the circuit to close' });
    });

    it('pauses a method blocked by its operating budget (429) and delays its jobs', async () => {
      // Every call now costs more than the whole budget: the next one to a method is refused with a 429.
      fake.setLimits({ operatingLimitSec: 0.5, processingSec: 1 });
      await requestUpserts(api.app, [{ kind: 'delivery', externalId: 'op-1', fields: { title: 'Op 1' } }]);
      await waitFor(async () => (await counts(db)).open === 0, { what: 'the first call' });
      await requestUpserts(api.app, [{ kind: 'delivery', externalId: 'op-2', fields: { title: 'Op 2' } }]);
      await waitFor(async () => (await bitrix24Status(api, config)).state === 'degraded', {
        what: 'the method paused',
      });
      const status = await bitrix24Status(api, config);
      expect(Object.keys(status.details?.pausedMethods as object)).toEqual(expect.arrayContaining(['batch']));
      const before = await counts(db);
      expect(before.dead).toBe(0);
      expect(before.open).toBe(1);
      expect(fake.stats.served429).toBe(1);
    });
  });

  describe('with nothing configured', () => {
    let middleware: InProcessMiddleware;
    let config: AppConfig;
    let api: RunningHttpApp;
    let db: DataSource;

    beforeAll(async () => {
      middleware = await startInProcessMiddleware({
        env: { EVENTS_RELAY_POLL_INTERVAL_MS: '100', EVENTS_BACKOFF_BASE_MS: '100' },
      });
      ({ config, api, db } = middleware);
    });
    afterAll(() => middleware?.close());

    it('starts, reports itself unconfigured, and keeps its jobs waiting without burning attempts', async () => {
      expect(await bitrix24Status(api, config)).toMatchObject({ configured: false, state: 'unconfigured' });
      await requestUpserts(api.app, [{ kind: 'product', externalId: 'p-1', fields: { name: 'P' } }]);
      await waitFor(
        async () =>
          (
            await db.query<{ last_error: unknown }[]>(
              `SELECT last_error FROM outbox_events WHERE destination = 'bitrix24' AND last_error IS NOT NULL`,
            )
          ).length > 0,
        { what: 'the job to be delayed' },
      );
      expect(await counts(db)).toEqual({ open: 1, dead: 0, attempts: 0 });
    });
  });
});
