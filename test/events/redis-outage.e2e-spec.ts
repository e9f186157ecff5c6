import { AppProcess, createTestEnvironment, RedisServerProcess, TestEnvironment, waitFor } from '@app/testing';
import { EventScenario, startEventScenario } from '../support/event-scenario';

const OUTAGE_MS = Number(process.env.REDIS_OUTAGE_MS ?? 30_000);

describe('a 30-second Redis outage', () => {
  let redis: RedisServerProcess;
  let env: TestEnvironment;
  let scenario: EventScenario;
  let worker: AppProcess;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    env = await createTestEnvironment({
      redisUrl: redis.url,
      env: {
        WORKER_OPS_PORT: '0',
        EVENTS_RELAY_POLL_INTERVAL_MS: '200',
        EVENTS_RECONCILE_AFTER_MS: '3000',
        EVENTS_JOB_LOCK_MS: '2000',
        EVENTS_STALLED_CHECK_INTERVAL_MS: '1000',
      },
    });
    scenario = await startEventScenario(env, env.config());
    worker = AppProcess.start('testWorker', env.env);
    await worker.waitForOutput(/Test worker \d+ started/);
  });
  afterAll(async () => {
    await worker?.stop();
    await scenario?.close();
    await env.dispose();
    await redis?.down();
  });

  it('keeps accepting writes (ready, degraded) and delivers every event exactly once after Redis is back', async () => {
    await scenario.update(Array.from({ length: 20 }, (_, index) => `before-${index}`));
    await waitFor(async () => (await scenario.counts()).delivered === 20, { what: 'the first 20 deliveries' });

    // Some events are in flight when Redis dies: their jobs vanish with it.
    await scenario.update(
      Array.from({ length: 50 }, (_, index) => `inflight-${index}`),
      { sleepMs: 200 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.down();

    let written = 0;
    const readiness: { status: number; body: { status: string } }[] = [];
    const outageEnds = Date.now() + OUTAGE_MS;
    let round = 0;
    while (Date.now() < outageEnds) {
      const events = await scenario.update([`outage-${round % 7}`, `outage-${round}-b`]);
      written += events.length;
      if (round % 10 === 0) {
        const response = await fetch(`${scenario.api.url}/health/ready`);
        readiness.push({ status: response.status, body: (await response.json()) as { status: string } });
      }
      round += 1;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(written).toBeGreaterThan(100);
    expect(readiness.length).toBeGreaterThan(3);
    expect(readiness.every((probe) => probe.status === 200 && probe.body.status === 'degraded')).toBe(true);

    await redis.up();
    const total = 20 + 50 + written;
    const final = await waitFor(
      async () => {
        const counts = await scenario.counts();
        return counts.delivered === total && counts;
      },
      { what: `all ${total} events delivered after the outage`, timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(final).toEqual({ events: total, delivered: total, effects: total, distinctEffects: total });
    const ready = await fetch(`${scenario.api.url}/health/ready`);
    expect(((await ready.json()) as { status: string }).status).toBe('ok');
  }, 240_000);
});
