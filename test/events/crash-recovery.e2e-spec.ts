import { AppProcess, createTestEnvironment, TestEnvironment, waitFor } from '@app/testing';
import { appliedVersionsBySubject, EventScenario, startEventScenario } from '../support/event-scenario';

/** Short locks so a killed worker's jobs are picked up within seconds instead of the production 30 s. */
const FAST_RECOVERY = {
  EVENTS_JOB_LOCK_MS: '2000',
  EVENTS_STALLED_CHECK_INTERVAL_MS: '1000',
  EVENTS_RELAY_POLL_INTERVAL_MS: '200',
  WORKER_CONCURRENCY: '16',
  WORKER_OPS_PORT: '0',
};

describe('a worker killed with SIGKILL in the middle of a batch', () => {
  let env: TestEnvironment;
  let scenario: EventScenario;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment({ env: FAST_RECOVERY });
    scenario = await startEventScenario(env, env.config());
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await scenario?.close();
    await env.dispose();
  });

  it('loses nothing and applies nothing twice across 5,000 events', async () => {
    // 500 entities updated 10 times each: the same run also checks per-subject order across the crash.
    const subjects = Array.from({ length: 500 }, (_, index) => `entity-${index}`);
    for (let round = 0; round < 10; round += 1) {
      await scenario.update(subjects, { sleepMs: 2 });
    }
    expect((await scenario.counts()).events).toBe(5_000);

    const first = AppProcess.start('testWorker', env.env);
    workers.push(first);
    await waitFor(async () => (await scenario.counts()).effects >= 1_000, { what: '1,000 effects', timeoutMs: 60_000 });
    first.signal('SIGKILL');
    const killed = await first.waitForExit();
    expect(killed.signal).toBe('SIGKILL');
    const atCrash = await scenario.counts();
    expect(atCrash.delivered).toBeLessThan(5_000);

    workers.push(AppProcess.start('testWorker', env.env));
    const final = await waitFor(
      async () => {
        const counts = await scenario.counts();
        return counts.delivered === 5_000 && counts;
      },
      { what: 'all 5,000 events delivered', timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(final).toEqual({ events: 5_000, delivered: 5_000, effects: 5_000, distinctEffects: 5_000 });

    const applied = await appliedVersionsBySubject(scenario.db);
    expect(applied.size).toBe(500);
    for (const versions of applied.values()) {
      expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  }, 240_000);
});
