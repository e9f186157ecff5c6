import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RecurringJob, RecurringJobSummary } from './recurring-job';
import { MAINTENANCE_QUEUE, RecurringJobRegistry } from './recurring-job-registry';
import { RecurringJobData } from './recurring-job-scheduler';
import { HeldRunLock, RunLocks } from './run-lock';

/** A run renews its lock a few times per this period; a dead runner's lock lapses after it. */
const RUN_LOCK_TTL_MS = 30_000;
/** How often a start run looks again for the lock it waits for. */
const START_RUN_RETRY_MS = 2_000;

/**
 * Runs recurring jobs from the maintenance queue, dispatching by job name, one run of a job at a time across the
 * fleet: a run takes the job's lock first. A scheduled run that finds the lock taken (the previous run outlasted the
 * period, or another replica runs it) is skipped; a start run waits for the lock instead, so catching up after a
 * restart is never lost to a run already going or to the lock of a process that died.
 */
@Injectable()
export class RecurringJobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecurringJobWorker.name);
  private readonly locks: RunLocks;
  private readonly shutdown = new AbortController();
  private worker?: Worker<RecurringJobData, RecurringJobSummary>;
  private readonly runs;
  private readonly lastSuccess;
  private readonly duration;

  constructor(
    private readonly registry: RecurringJobRegistry,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: MetricsService,
  ) {
    this.locks = new RunLocks(redis, config.redis.keyPrefix, RUN_LOCK_TTL_MS);
    this.runs = metrics.counter({
      name: 'recurring_job_runs_total',
      help: 'Runs of recurring jobs by outcome (success, failure, skipped: another run of the job was going)',
      labelNames: ['job', 'outcome'],
    });
    this.lastSuccess = metrics.gauge({
      name: 'recurring_job_last_success_timestamp_seconds',
      help: 'Unix time this worker last completed a run of the job',
      labelNames: ['job'],
    });
    this.duration = metrics.histogram({
      name: 'recurring_job_duration_seconds',
      help: 'Duration of recurring job runs',
      labelNames: ['job'],
      buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    });
  }

  onApplicationBootstrap(): void {
    const jobs = this.registry.enabled;
    if (jobs.length === 0) {
      return;
    }
    this.worker = new Worker<RecurringJobData, RecurringJobSummary>(
      MAINTENANCE_QUEUE,
      (job, token) => this.process(job, token),
      {
        prefix: this.config.redis.keyPrefix,
        connection: { url: this.config.redis.url, maxRetriesPerRequest: null },
        // One slot per job: a long purge never holds back the heartbeat or a recovery.
        concurrency: jobs.length,
      },
    );
    this.worker.on('error', (error) => this.logger.warn(`Recurring job worker: ${String(error)}`));
  }

  /** Before the database pool closes: runs in progress stop at their next batch and give their locks back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort(new Error('worker shutting down'));
    await this.worker?.close();
  }

  private async process(job: Job<RecurringJobData>, token?: string): Promise<RecurringJobSummary> {
    const recurring = this.registry.of(job.name);
    if (!recurring) {
      // A schedule left by another release, about to be removed by the replica that runs it.
      this.logger.warn(`No enabled recurring job "${job.name}" in this worker; run skipped`);
      return { skipped: 'not a job of this worker' };
    }
    return RequestContext.run({ requestId: `recurring:${job.name}:${job.id}`, source: 'scheduler' }, async () => {
      const attempt = await this.locks.acquire(job.name);
      if (!attempt.acquired) {
        if (job.data?.trigger === 'start') {
          await job.moveToDelayed(Date.now() + Math.min(attempt.expiresInMs + 100, START_RUN_RETRY_MS), token);
          throw new DelayedError();
        }
        this.runs.inc({ job: job.name, outcome: 'skipped' });
        return { skipped: 'another run of this job is going' };
      }
      return this.runHolding(recurring, attempt.lock);
    });
  }

  private async runHolding(job: RecurringJob, lock: HeldRunLock): Promise<RecurringJobSummary> {
    const stopTimer = this.duration.startTimer({ job: job.name });
    try {
      const summary = await job.run(AbortSignal.any([lock.signal, this.shutdown.signal]));
      this.runs.inc({ job: job.name, outcome: 'success' });
      this.lastSuccess.setToCurrentTime({ job: job.name });
      return summary;
    } catch (error) {
      this.runs.inc({ job: job.name, outcome: 'failure' });
      this.logger.warn(`Recurring job ${job.name} failed: ${String(error)}`);
      throw error;
    } finally {
      stopTimer();
      await lock.release();
    }
  }
}
