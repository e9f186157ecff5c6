import { AppProcess, createTestEnvironment, TestEnvironment, waitFor } from '@app/testing';
import { appliedVersionsBySubject, EventScenario, startEventScenario } from '../support/event-scenario';

describe('two worker processes and per-subject order', () => {
  let env: TestEnvironment;
  let scenario: EventScenario;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment({
      env: { WORKER_CONCURRENCY: '8', WORKER_OPS_PORT: '0', EVENTS_RELAY_POLL_INTERVAL_MS: '200' },
    });
    scenario = await startEventScenario(env, env.config());
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await scenario?.close();
    await env.dispose();
  });

  it('applies 1,000 updates over 50 subjects in version order for every subject', async () => {
    workers.push(AppProcess.start('testWorker', env.env), AppProcess.start('testWorker', env.env));
    await Promise.all(workers.map((worker) => worker.waitForOutput(/Test worker \d+ started/)));

    // 100 concurrent-ish requests of 10 random updates each, while both workers consume.
    const subjects = Array.from({ length: 50 }, (_, index) => `subject-${index}`);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const requests = Array.from({ length: 100 }, () =>
      Array.from({ length: 10 }, () => subjects[Math.floor(random() * subjects.length)]),
    );
    for (let start = 0; start < requests.length; start += 10) {
      await Promise.all(requests.slice(start, start + 10).map((batch) => scenario.update(batch, { sleepMs: 1 })));
    }

    const final = await waitFor(
      async () => {
        const counts = await scenario.counts();
        return counts.delivered === 1_000 && counts;
      },
      { what: 'all 1,000 updates delivered', timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(final).toEqual({ events: 1_000, delivered: 1_000, effects: 1_000, distinctEffects: 1_000 });

    const applied = await appliedVersionsBySubject(scenario.db);
    const [{ n: subjectsTouched }] = await scenario.db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM test_entities',
    );
    expect(applied.size).toBe(subjectsTouched);
    for (const [subject, versions] of applied) {
      expect({ subject, versions }).toEqual({ subject, versions: versions.map((_, index) => index + 1) });
    }
    // Both processes did real work.
    const pids = await scenario.db.query<{ pid: number }[]>('SELECT DISTINCT pid FROM test_event_effects');
    expect(pids.map((row) => row.pid).sort()).toEqual(workers.map((worker) => worker.child.pid).sort());
  }, 180_000);
});
