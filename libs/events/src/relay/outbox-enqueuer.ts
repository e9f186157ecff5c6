import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { JobsOptions } from 'bullmq';
import { ConsumerRegistry } from '../consumers/consumer-registry';
import { EventJobData, EventQueues, jobIdOf } from '../consumers/event-queues';
import { toCloudEvent } from '../outbox/event-publisher';

const QUEUE_CALL_TIMEOUT_MS = 5_000;

/** The outbox columns a dispatch needs. */
export interface OutboxRow {
  id: string;
  generation: number;
  /** Set when the row was dispatched before: a re-send reuses the job id, so BullMQ ignores a duplicate. */
  job_id: string | null;
  destination: string;
  type: string;
  subject: string;
  source: string;
  time: Date;
  data: unknown;
  entity_version: string | null;
  request_id: string | null;
  traceparent: string | null;
  created_at: Date;
}

/** Hands outbox rows to their destination queues: the relay's dispatch and the reconcile's re-sends. */
@Injectable()
export class OutboxEnqueuer {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConsumerRegistry,
    private readonly queues: EventQueues,
  ) {}

  /**
   * Returns each row's job id. Transactional consumers get bundles of heads of different subjects (one transaction
   * for many events); others get one event per job.
   */
  async enqueue(rows: readonly OutboxRow[]): Promise<Map<string, string>> {
    const jobIds = new Map<string, string>();
    const byDestination = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      byDestination.set(row.destination, [...(byDestination.get(row.destination) ?? []), row]);
    }
    for (const [destination, group] of byDestination) {
      const consumer = this.registry.of(destination)!;
      const bundleSize = consumer.transactional ? this.config.events.bundleSize : 1;
      const options: JobsOptions = {
        attempts: consumer.maxAttempts,
        backoff: { type: 'custom' },
        removeOnComplete: { count: 1_000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      };
      const jobs = [];
      for (let start = 0; start < group.length; start += bundleSize) {
        const bundle = group.slice(start, start + bundleSize);
        const jobId = bundle[0].job_id ?? jobIdOf(bundle[0]);
        bundle.forEach((row) => jobIds.set(row.id, jobId));
        jobs.push({
          name: bundle.length === 1 ? bundle[0].type : 'bundle',
          data: {
            events: bundle.map((row) => ({ event: envelopeOf(row), generation: row.generation })),
          } satisfies EventJobData,
          opts: { ...options, jobId },
        });
      }
      await withQueueTimeout(this.queues.of(destination).addBulk(jobs));
    }
    return jobIds;
  }
}

export function envelopeOf(row: OutboxRow) {
  return toCloudEvent({
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: row.time,
    data: row.data,
    destination: row.destination,
    entityVersion: row.entity_version,
    requestId: row.request_id,
    traceparent: row.traceparent,
  });
}

/** Queue calls fail fast while Redis is down, so nothing waits on them with rows locked. */
export function withQueueTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${QUEUE_CALL_TIMEOUT_MS} ms`)),
        QUEUE_CALL_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
