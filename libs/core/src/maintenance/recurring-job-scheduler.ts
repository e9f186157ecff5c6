import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, RecurringJobRegistry } from './recurring-job-registry';

/** What a run was triggered by; a scheduled run carries no data. */
export interface RecurringJobData {
  readonly trigger?: 'start';
}

const RECURRING_RUN_OPTIONS = {
  // A failed run is tried again soon (recovery matters most right after a restart), not a whole period later.
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

/**
 * Gives each enabled job one BullMQ job scheduler (upserted by the job's name, so every replica can do it at start
 * and the fleet still runs each job once per period) and removes the schedulers of jobs no longer enabled. Jobs that
 * run at start are enqueued once per start, de-duplicated across replicas starting together.
 *
 * Schedulers live in Redis: a Redis that restarts empty loses them, so they are registered again whenever the
 * queue's connection becomes ready, and the jobs that reconcile what Redis lost come back with them.
 */
@Injectable()
export class RecurringJobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecurringJobScheduler.name);
  private stopped = false;
  private registering: Promise<void> | null = null;
  private registerAgain = false;

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue<RecurringJobData>,
    private readonly registry: RecurringJobRegistry,
  ) {}

  /** Does not block start-up: a worker booting during a Redis outage must come up (unready) and catch up later. */
  onApplicationBootstrap(): void {
    void this.register().then(() => this.enqueueStartRuns());
    this.queue.getBackend().on('ready', () => void this.register());
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Concurrent calls (start-up and a reconnect) collapse into one more pass. */
  private register(): Promise<void> {
    if (this.registering) {
      this.registerAgain = true;
      return this.registering;
    }
    this.registering = this.registerWithRetry().finally(() => {
      this.registering = null;
      if (this.registerAgain && !this.stopped) {
        this.registerAgain = false;
        void this.register();
      }
    });
    return this.registering;
  }

  private async registerWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        await this.upsertSchedulers();
        return;
      } catch (error) {
        if (this.stopped) {
          return;
        }
        const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
        this.logger.warn(`Could not register the recurring jobs (${String(error)}); retrying in ${delayMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      }
    }
  }

  private async upsertSchedulers(): Promise<void> {
    const enabled = this.registry.enabled;
    for (const job of enabled) {
      await this.queue.upsertJobScheduler(
        job.name,
        { every: job.everyMs },
        { name: job.name, opts: RECURRING_RUN_OPTIONS },
      );
    }
    const names = new Set(enabled.map((job) => job.name));
    const retired = (await this.queue.getJobSchedulers(0, -1)).filter((scheduler) => !names.has(scheduler.key));
    for (const scheduler of retired) {
      await this.queue.removeJobScheduler(scheduler.key);
    }
    this.logger.log(
      `Recurring jobs scheduled: ${enabled.map((job) => `${job.name} every ${job.everyMs} ms`).join(', ') || 'none'}` +
        (retired.length > 0 ? `; schedules removed: ${retired.map((scheduler) => scheduler.key).join(', ')}` : ''),
    );
  }

  private async enqueueStartRuns(): Promise<void> {
    for (const job of this.registry.enabled.filter((candidate) => candidate.runAtStart)) {
      await this.queue
        .add(job.name, { trigger: 'start' }, { ...RECURRING_RUN_OPTIONS, deduplication: { id: `${job.name}:start` } })
        .catch((error: unknown) =>
          this.logger.warn(`Could not enqueue the start run of ${job.name}: ${String(error)}`),
        );
    }
  }
}
