import { AppConfig, classifyFailure, RequestContext, UnitOfWork, withTraceparent } from '@app/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { queueNameOf } from '../cloud-event';
import { DeadLetterRecorder, errorRecord } from '../dead-letters/dead-letter.recorder';
import { EventsMetrics } from '../events.metrics';
import { ConsumerRegistry, RegisteredConsumer } from './consumer-registry';
import { EventJobData } from './event-queues';

/** Exponential backoff with jitter (half fixed, half random), capped. */
export function backoffDelay(attemptsMade: number, baseMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/**
 * Runs one BullMQ worker per hosted destination and applies the delivery rules: restore the request and trace
 * context from the envelope, skip events this consumer already processed, and turn failures into retries, delays
 * or dead letters according to their classification.
 */
@Injectable()
export class ConsumerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerHost.name);
  private readonly workers: Worker<EventJobData>[] = [];

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: EventsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    for (const consumer of this.registry.all) {
      const worker = new Worker<EventJobData>(
        queueNameOf(consumer.destination),
        (job, token) => this.process(consumer, job, token),
        {
          prefix: this.config.redis.keyPrefix,
          connection: { url: this.config.redis.url, maxRetriesPerRequest: null },
          concurrency: consumer.concurrency,
          // A worker killed mid-job leaves it stalled; once its lock lapses it is re-run elsewhere (harmlessly:
          // consumers de-duplicate).
          lockDuration: this.config.events.jobLockMs,
          stalledInterval: this.config.events.stalledCheckIntervalMs,
          maxStalledCount: 10,
          settings: {
            backoffStrategy: (attemptsMade: number) =>
              backoffDelay(attemptsMade, this.config.events.backoffBaseMs, this.config.events.backoffMaxMs),
          },
        },
      );
      worker.on('error', (error) => this.logger.warn(`Worker for ${consumer.destination}: ${String(error)}`));
      this.workers.push(worker);
    }
    if (this.workers.length > 0) {
      this.logger.log(`Consuming destinations: ${this.registry.destinations.join(', ')}`);
    }
  }

  /** Stops taking jobs and waits for the ones in flight. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private process(consumer: RegisteredConsumer, job: Job<EventJobData>, token?: string): Promise<void> {
    const { event } = job.data;
    return RequestContext.run(
      { requestId: event.requestid ?? `event:${event.id}`, source: 'job', traceparent: event.traceparent },
      () => withTraceparent(event.traceparent, () => this.deliverOrClassify(consumer, job, token)),
    );
  }

  private async deliverOrClassify(consumer: RegisteredConsumer, job: Job<EventJobData>, token?: string): Promise<void> {
    const { event, generation } = job.data;
    try {
      const outcome = await this.deliver(consumer, job.data);
      this.metrics.processed.inc({ destination: consumer.destination, outcome });
      if (outcome === 'delivered') {
        this.metrics.deliveryLatency.observe(
          { destination: consumer.destination },
          (Date.now() - new Date(event.time).getTime()) / 1000,
        );
      }
    } catch (error) {
      const failure = classifyFailure(error);
      const attempt = job.attemptsMade + 1;
      this.metrics.failures.inc({ destination: consumer.destination, kind: failure.kind });
      switch (failure.kind) {
        case 'rate_limited':
        case 'unavailable': {
          // Waiting for the other side's clock, not failing: the attempt is given back.
          const until = failure.retryAt?.getTime() ?? Date.now() + this.config.events.backoffBaseMs;
          await this.noteFailure(event.id, generation, failure, false);
          await job.moveToDelayed(Math.max(until, Date.now() + 100), token);
          throw new DelayedError();
        }
        case 'permanent':
          await this.deadLetters.record({
            event,
            generation,
            attempts: attempt,
            firstFailedAt: new Date(),
            reason: 'permanent',
            failure,
          });
          throw new UnrecoverableError(failure.message);
        case 'transient':
          if (attempt >= consumer.maxAttempts) {
            const firstFailedAt = await this.firstFailure(event.id);
            await this.deadLetters.record({
              event,
              generation,
              attempts: attempt,
              firstFailedAt,
              reason: 'exhausted',
              failure,
            });
            throw new UnrecoverableError(failure.message);
          }
          await this.noteFailure(event.id, generation, failure, true);
          throw error instanceof Error ? error : new Error(failure.message);
      }
    }
  }

  /**
   * The exactly-once part. The processed-events insert and the `delivered` mark commit together; for transactional
   * consumers the handler's own writes join that transaction, so a redelivery finds the record and does nothing.
   */
  private async deliver(
    consumer: RegisteredConsumer,
    { event, generation }: EventJobData,
  ): Promise<'delivered' | 'duplicate'> {
    // 'pending' too: the job can run before the relay's transaction that marks the row `dispatched` commits. The
    // row then matches in our snapshot, so PostgreSQL waits for the relay's lock and re-checks the committed row;
    // with `dispatched` alone, our statement would skip the row without waiting and the mark would be lost.
    const markDelivered = async (): Promise<void> => {
      await this.unitOfWork.manager.query(
        `UPDATE outbox_events SET status = 'delivered', delivered_at = now()
          WHERE id = $1 AND generation = $2 AND status IN ('pending', 'dispatched')`,
        [event.id, generation],
      );
    };
    if (consumer.transactional) {
      return this.unitOfWork.run(async (manager) => {
        const inserted = await manager.query<unknown[]>(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
          [consumer.name, event.id],
        );
        if (inserted.length > 0) {
          await consumer.handler.handle(event);
        }
        await markDelivered();
        return inserted.length > 0 ? 'delivered' : 'duplicate';
      });
    }
    const seen = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2',
      [consumer.name, event.id],
    );
    if (seen.length === 0) {
      await consumer.handler.handle(event);
    }
    await this.unitOfWork.run(async (manager) => {
      await manager.query('INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        consumer.name,
        event.id,
      ]);
      await markDelivered();
    });
    return seen.length === 0 ? 'delivered' : 'duplicate';
  }

  /** Best effort: the outbox row shows attempts and the last error while BullMQ retries. */
  private async noteFailure(
    eventId: string,
    generation: number,
    failure: ReturnType<typeof classifyFailure>,
    countsAsAttempt: boolean,
  ): Promise<void> {
    await this.dataSource
      .query(
        `UPDATE outbox_events
            SET attempts = attempts + $3, last_error = $4, last_failed_at = now(),
                first_failed_at = coalesce(first_failed_at, now())
          WHERE id = $1 AND generation = $2`,
        [eventId, generation, countsAsAttempt ? 1 : 0, errorRecord(failure)],
      )
      .catch((error: unknown) => this.logger.warn(`Could not record a delivery failure: ${String(error)}`));
  }

  private async firstFailure(eventId: string): Promise<Date> {
    const rows = await this.dataSource.query<
      {
        first_failed_at: Date | null;
      }[]
    >('SELECT first_failed_at FROM outbox_events WHERE id = $1', [eventId]);
    return rows[0]?.first_failed_at ?? new Date();
  }
}
