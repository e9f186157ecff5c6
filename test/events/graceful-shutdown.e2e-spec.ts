import { AppProcess, createTestEnvironment, TestEnvironment, waitFor } from '@app/testing';
import { EventScenario, startEventScenario } from '../support/event-scenario';

describe('SIGTERM while jobs are running', () => {
  let env: TestEnvironment;
  let scenario: EventScenario;
  let worker: AppProcess | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment({ env: { WORKER_OPS_PORT: '0', SHUTDOWN_TIMEOUT_MS: '10000' } });
    scenario = await startEventScenario(env, env.config());
  });
  afterAll(async () => {
    await worker?.stop();
    await scenario?.close();
    await env.dispose();
  });

  it('stops taking jobs, lets the running ones finish and commit, then exits 0', async () => {
    worker = AppProcess.start('testWorker', env.env);
    await worker.waitForOutput(/Test worker \d+ started/);
    const events = await scenario.update(['slow-1', 'slow-2', 'slow-3'], { sleepMs: 1_500 });
    await waitFor(
      async () => {
        const rows = await scenario.db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM outbox_events WHERE status = 'dispatched'`,
        );
        return rows[0].n === events.length;
      },
      { what: 'the jobs to be running' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    worker.signal('SIGTERM');
    const exit = await worker.waitForExit();
    expect(exit.code).toBe(0);
    expect(await scenario.counts()).toEqual({ events: 3, delivered: 3, effects: 3, distinctEffects: 3 });
    expect(worker.logs).not.toMatch(/Connection terminated|QueryRunnerAlreadyReleased/);
  });
});
