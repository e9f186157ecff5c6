import { AppConfig, RecurringJob, RecurringJobSummary } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsumerRegistry } from '../consumers/consumer-registry';
import { EventQueues, jobIdOf } from '../consumers/event-queues';
import { DeadLetterRecorder } from '../dead-letters/dead-letter.recorder';
import { EventsMetrics } from '../events.metrics';
import { PROMOTE_STRANDED_HEADS_SQL } from '../outbox/head-of-line';
import { envelopeOf, OutboxEnqueuer, OutboxRow, withQueueTimeout } from './outbox-enqueuer';

/**
 * The relay's housekeeping. Re-sends `dispatched` rows whose BullMQ job no longer exists (Redis lost its data),
 * dead-letters rows whose job failed outside our bookkeeping (e.g. stalled too many times), and promotes queued
 * events that missed their turn (see head-of-line.ts). Runs every half `EVENTS_RECONCILE_AFTER_MS`.
 */
@Injectable()
export class ReconcileDispatchedEventsJob extends RecurringJob {
  readonly name = 'events-reconcile-dispatched';
  private readonly logger = new Logger(ReconcileDispatchedEventsJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly registry: ConsumerRegistry,
    private readonly queues: EventQueues,
    private readonly enqueuer: OutboxEnqueuer,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: EventsMetrics,
  ) {
    super();
  }

  /** Only where events are consumed: re-sending needs the consumers' settings. */
  get everyMs(): number {
    return this.registry.destinations.length > 0
      ? Math.max(500, Math.floor(this.config.events.reconcileAfterMs / 2))
      : 0;
  }

  async run(): Promise<RecurringJobSummary> {
    const [, promoted] = await this.dataSource.query<[unknown[], number]>(PROMOTE_STRANDED_HEADS_SQL);
    if (promoted > 0) {
      this.logger.warn(`Promoted ${promoted} queued event(s) that had missed their turn`);
    }
    const rows = await this.dataSource.query<(OutboxRow & { attempts: number; first_failed_at: Date | null })[]>(
      `SELECT id, generation, job_id, destination, type, subject, source, time, data, entity_version, request_id,
              traceparent, created_at, attempts, first_failed_at
         FROM outbox_events
        WHERE status = 'dispatched' AND dispatched_at < now() - make_interval(secs => $1::double precision / 1000)
          AND destination = ANY($2)
        ORDER BY dispatched_at
        LIMIT 1000`,
      [this.config.events.reconcileAfterMs, this.registry.destinations],
    );
    const byJob = new Map<string, typeof rows>();
    for (const row of rows) {
      const jobId = row.job_id ?? jobIdOf(row);
      byJob.set(jobId, [...(byJob.get(jobId) ?? []), row]);
    }
    let delivered = 0;
    let deadLettered = 0;
    const lost: OutboxRow[] = [];
    for (const [jobId, jobRows] of byJob) {
      const queue = this.queues.of(jobRows[0].destination);
      const state = await withQueueTimeout(queue.getJobState(jobId));
      if (state === 'unknown') {
        lost.push(...jobRows);
      } else if (state === 'completed') {
        // The job finished but rows missed their mark: those the consumer's processed-event record proves are
        // delivered; the rest run again under a fresh job.
        const marked = await this.dataSource.query<{ id: string }[]>(
          `UPDATE outbox_events o SET status = 'delivered', delivered_at = now()
            WHERE o.id = ANY($1::uuid[]) AND o.status = 'dispatched'
              AND EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.id)
          RETURNING o.id`,
          [jobRows.map((row) => row.id)],
        );
        const done = new Set(marked.map((row) => row.id));
        const again = jobRows.filter((row) => !done.has(row.id));
        if (again.length > 0) {
          await queue.remove(jobId);
          lost.push(...again);
        }
        delivered += done.size;
      } else if (state === 'failed') {
        const job = await queue.getJob(jobId);
        for (const row of jobRows) {
          await this.deadLetters.record({
            event: envelopeOf(row),
            generation: row.generation,
            attempts: Math.max(row.attempts, job?.attemptsMade ?? 0),
            firstFailedAt: row.first_failed_at ?? new Date(),
            reason: 'stalled',
            failure: {
              kind: 'transient',
              code: 'JOB_FAILED',
              message: job?.failedReason ?? 'job failed without a recorded outcome',
            },
          });
        }
        deadLettered += jobRows.length;
      }
    }
    if (lost.length > 0) {
      const jobIds = await this.enqueuer.enqueue(lost.map((row) => ({ ...row, job_id: null })));
      await this.dataSource.query(
        `UPDATE outbox_events o SET dispatched_at = now(), job_id = j.job_id
           FROM unnest($1::uuid[], $2::text[]) AS j(id, job_id) WHERE o.id = j.id AND o.status = 'dispatched'`,
        [lost.map((row) => row.id), lost.map((row) => jobIds.get(row.id))],
      );
      this.metrics.republished.inc(lost.length);
      this.logger.warn(`Re-published ${lost.length} dispatched event(s) whose jobs were missing from Redis`);
    }
    return { promoted, delivered, deadLettered, republished: lost.length };
  }
}
