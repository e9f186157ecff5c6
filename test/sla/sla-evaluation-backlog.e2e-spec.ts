import { UnitOfWork } from '@app/core';
import { SLA_DESTINATION, SlaEvaluations, SlaMonitor } from '@app/sla';
import { waitFor } from '@app/testing';
import { type InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

/**
 * Every delivery change asks the worker to evaluate its rules again, and a rule's requests are one subject, handled
 * one after another. After an outage of the queue (Redis down, the worker stopped) thousands wait; one evaluation
 * answers all those committed before it began, so the backlog drains in a few evaluations.
 */
describe('SLA evaluation requests: a backlog of one rule is answered by the evaluations it needs, no more', () => {
  const evaluateForReal = SlaMonitor.prototype.evaluate;
  let middleware: InProcessMiddleware;
  let evaluate: jest.SpyInstance<ReturnType<SlaMonitor['evaluate']>, Parameters<SlaMonitor['evaluate']>>;

  /** One request per transaction, as each of the changes that make them commits on its own. */
  const request = async (count: number) => {
    const unitOfWork = middleware.api.app.get(UnitOfWork);
    const evaluations = middleware.api.app.get(SlaEvaluations);
    for (let n = 0; n < count; n += 1) {
      await unitOfWork.run(() => evaluations.request(['dead_letters_waiting']));
    }
  };
  const requests = () =>
    middleware.db.query<{ status: string; handled: boolean }[]>(
      `SELECT o.status, EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.id) AS handled
         FROM outbox_events o WHERE o.destination = $1 ORDER BY o.position`,
      [SLA_DESTINATION],
    );
  const allDelivered = () =>
    waitFor(async () => (await requests()).every((row) => row.status === 'delivered'), {
      what: 'every request delivered',
    });

  beforeAll(async () => {
    // No schedule: only the requests evaluate.
    middleware = await startInProcessMiddleware({
      domains: true,
      worker: false,
      env: { SLA_EVALUATE_SECONDS: '0', EVENTS_RELAY_POLL_INTERVAL_MS: '100' },
    });
    evaluate = jest.spyOn(SlaMonitor.prototype, 'evaluate');
  });
  afterAll(async () => {
    evaluate?.mockRestore();
    await middleware?.close();
  });

  it('evaluates once for forty requests that waited while no worker ran', async () => {
    await request(40);
    expect((await requests()).map((row) => row.status)).toEqual(['pending', ...Array<string>(39).fill('queued')]);

    await middleware.startWorker();
    await allDelivered();
    expect(evaluate).toHaveBeenCalledTimes(1);
    const rows = await requests();
    expect(rows.filter((row) => row.handled)).toHaveLength(1);
    expect(rows[0].handled).toBe(true);
  });

  it('evaluates again for requests committed while an evaluation ran: it could not have seen their changes', async () => {
    evaluate.mockClear();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = new Promise<void>((resolve) => {
      evaluate.mockImplementationOnce(async function (this: SlaMonitor, ...args) {
        resolve();
        await gate;
        return evaluateForReal.apply(this, args);
      });
    });
    await request(1);
    await running;
    await request(2);
    release();
    await allDelivered();

    // The held evaluation, then one for both late requests: the second was committed before the first's began.
    expect(evaluate).toHaveBeenCalledTimes(2);
    expect((await requests()).slice(-3).map((row) => row.handled)).toEqual([true, true, false]);
  });
});
