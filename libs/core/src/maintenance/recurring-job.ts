/** What a run reports: it becomes the BullMQ job's return value (e.g. `{ purged: 12 }`). */
export type RecurringJobSummary = Readonly<Record<string, string | number | boolean>>;

/**
 * Recurring work (purges, reconciles, recovery, janitors, later SLA monitors). The worker schedules each job with
 * one BullMQ job scheduler for the whole fleet and runs it under a lock, so a run never overlaps another run of the
 * same job, on this replica or another.
 *
 * A lib provides its jobs in its worker module and exports them from its index; `apps/worker/src/recurring-jobs.ts`
 * lists every job the worker runs, and docs/operations.md describes each one.
 */
export abstract class RecurringJob {
  /** Stable and unique: it names the job scheduler in Redis, the run lock and the metrics label. */
  abstract readonly name: string;

  /** Milliseconds between runs, usually from the configuration. 0 turns the job off and removes its scheduler. */
  abstract readonly everyMs: number;

  /**
   * Also run once whenever a worker starts, to catch up on what happened while it was down, rather than up to a
   * whole period later. Replicas starting together share one such run.
   */
  readonly runAtStart: boolean = false;

  /**
   * One run. `signal` aborts when the worker shuts down or the run lost its lock: a long run stops between two
   * batches, and the next run carries on.
   */
  abstract run(signal: AbortSignal): Promise<RecurringJobSummary>;
}
