import { AppConfig, ClassifiedFailure, classifyFailure, RequestContext, UnitOfWork, withTraceparent } from '@app/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { type CloudEvent, queueNameOf } from '../cloud-event';
import { DeadLetterRecorder, errorRecord } from '../dead-letters/dead-letter.recorder';
import { EventsMetrics } from '../events.metrics';
import { OutboxRelay } from '../relay/outbox-relay';
import { ConsumerRegistry, RegisteredConsumer } from './consumer-registry';
import { DeliveryMarker } from './delivery-marker';
import { EventJobData, QueuedEvent } from './event-queues';

/** Exponential backoff with jitter (half fixed, half random), capped. */
export function backoffDelay(attemptsMade: number, baseMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** Bounds one statement's list of ids; a longer backlog is covered by the next few heads. */
const COALESCE_AT_MOST = 1_000;

interface Failed {
  readonly entry: QueuedEvent;
  readonly failure: ClassifiedFailure;
  readonly error: unknown;
}

/**
 * Runs one BullMQ worker per hosted destination and applies the delivery rules: restore the request and trace
 * context from the envelope, skip events this consumer already processed, and turn failures into retries, delays
 * or dead letters according to their classification.
 *
 * A job carries one event, or a bundle of heads of different subjects for transactional consumers. A bundle is
 * applied in one transaction; if anything in it fails, each event is retried on its own so that one bad event
 * decides only its own fate (its bundle-mates are delivered, and de-duplicate harmlessly if the job runs again).
 */
@Injectable()
export class ConsumerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerHost.name);
  private readonly workers: Worker<EventJobData>[] = [];
  private readonly deliveryMarker: DeliveryMarker;

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: EventsMetrics,
    relay: OutboxRelay,
  ) {
    this.deliveryMarker = new DeliveryMarker(dataSource, () => relay.schedule());
  }

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

  /**
   * Stops taking jobs and waits for the ones in flight. Before, not during, application shutdown: the database
   * pool closes in its own shutdown hook, and jobs still running must be able to finish their transactions.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private async process(consumer: RegisteredConsumer, job: Job<EventJobData>, token?: string): Promise<void> {
    const { events } = job.data;
    if (events.length > 1) {
      const delivered = await this.deliverBundle(consumer, events).catch(() => false);
      if (delivered) {
        return;
      }
    }
    const failures: Failed[] = [];
    for (const entry of events) {
      const { event } = entry;
      await RequestContext.run(
        { requestId: event.requestid ?? `event:${event.id}`, source: 'job', traceparent: event.traceparent },
        () =>
          withTraceparent(event.traceparent, async () => {
            try {
              this.count(consumer, entry, await this.deliver(consumer, entry));
            } catch (error) {
              const failure = classifyFailure(error);
              if (failure.kind === 'deferred') {
                this.metrics.deferrals.inc({ destination: consumer.destination });
              } else {
                this.metrics.failures.inc({ destination: consumer.destination, kind: failure.kind });
              }
              failures.push({ entry, failure, error });
            }
          }),
      );
    }
    if (failures.length > 0) {
      await this.settle(consumer, job, token, failures);
    }
  }

  /**
   * Decides the job's fate from its failed events: permanent ones go to the dead-letter queue at once; a rate limit,
   * an unavailable system or an early event (deferred) delays the job without using an attempt; transient ones retry
   * with backoff until attempts run out, then become dead letters too.
   */
  private async settle(
    consumer: RegisteredConsumer,
    job: Job<EventJobData>,
    token: string | undefined,
    failures: Failed[],
  ) {
    const attempt = job.attemptsMade + 1;
    for (const { entry, failure } of failures.filter(({ failure }) => failure.kind === 'permanent')) {
      await this.deadLetters.record({
        ...entry,
        attempts: attempt,
        firstFailedAt: new Date(),
        reason: 'permanent',
        failure,
      });
    }
    const waiting = failures.filter(({ failure }) =>
      ['rate_limited', 'unavailable', 'deferred'].includes(failure.kind),
    );
    if (waiting.length > 0) {
      // Waiting for the other side's clock, not failing: the attempt is given back.
      const until = Math.max(
        ...waiting.map(({ failure }) => failure.retryAt?.getTime() ?? Date.now() + this.config.events.backoffBaseMs),
      );
      // An early event (deferred) did not fail: its row keeps no error, which the trace and the reports would show.
      for (const { entry, failure } of waiting.filter(({ failure }) => failure.kind !== 'deferred')) {
        await this.noteFailure(entry, failure, false);
      }
      await job.moveToDelayed(Math.max(until, Date.now() + 100), token);
      throw new DelayedError();
    }
    const transient = failures.filter(({ failure }) => failure.kind === 'transient');
    if (transient.length === 0) {
      if (failures.length === job.data.events.length) {
        throw new UnrecoverableError(failures[0].failure.message);
      }
      return;
    }
    if (attempt >= consumer.maxAttempts) {
      for (const { entry, failure } of transient) {
        const firstFailedAt = await this.firstFailure(entry.event.id);
        await this.deadLetters.record({ ...entry, attempts: attempt, firstFailedAt, reason: 'exhausted', failure });
      }
      throw new UnrecoverableError(transient[0].failure.message);
    }
    for (const { entry, failure } of transient) {
      await this.noteFailure(entry, failure, true);
    }
    const { error, failure } = transient[0];
    throw error instanceof Error ? error : new Error(failure.message);
  }

  /** The whole bundle in one transaction; any failure rolls it back and the caller retries event by event. */
  private async deliverBundle(consumer: RegisteredConsumer, entries: readonly QueuedEvent[]): Promise<boolean> {
    const fresh = await this.unitOfWork.run(async (manager) => {
      const inserted = await manager.query<{ event_id: string }[]>(
        `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer.name, entries.map((entry) => entry.event.id)],
      );
      const insertedIds = new Set(inserted.map((row) => row.event_id));
      const toApply = entries.filter((entry) => insertedIds.has(entry.event.id));
      for (const { event } of toApply) {
        await RequestContext.run(
          { requestId: event.requestid ?? `event:${event.id}`, source: 'job', traceparent: event.traceparent },
          () => withTraceparent(event.traceparent, () => consumer.handler.handle(event)),
        );
      }
      return insertedIds;
    });
    await this.deliveryMarker.markAll(entries);
    for (const entry of entries) {
      this.count(consumer, entry, fresh.has(entry.event.id) ? 'delivered' : 'duplicate');
    }
    return true;
  }

  /**
   * The exactly-once part. The processed-event record is the proof of delivery: for transactional consumers it
   * commits together with the handler's own writes, so a redelivery finds it and does nothing. The outbox row is
   * then marked `delivered` (batched), which releases the subject's next event.
   */
  private async deliver(consumer: RegisteredConsumer, entry: QueuedEvent): Promise<'delivered' | 'duplicate'> {
    const { event } = entry;
    let outcome: 'delivered' | 'duplicate';
    if (consumer.transactional) {
      outcome = await this.unitOfWork.run(async (manager) => {
        const inserted = await manager.query<unknown[]>(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
          [consumer.name, event.id],
        );
        if (inserted.length === 0) {
          return 'duplicate';
        }
        await consumer.handler.handle(event);
        return 'delivered';
      });
    } else {
      const seen = await this.dataSource.query<unknown[]>(
        'SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2',
        [consumer.name, event.id],
      );
      if (seen.length === 0) {
        // Read before the handler begins: whatever is committed now, the handler's own reads see.
        const covered = consumer.coalesce ? await this.queuedBehind(consumer, event) : [];
        await consumer.handler.handle(event);
        await this.dataSource.query(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [consumer.name, event.id],
        );
        await this.deliverCoalesced(consumer, covered);
      }
      outcome = seen.length === 0 ? 'delivered' : 'duplicate';
    }
    await this.deliveryMarker.markAll([entry]);
    return outcome;
  }

  /**
   * The subject's successors waiting behind `event`. None of them can be handed out meanwhile: the head is open
   * until it is marked below, and only a finished head (or the relay's sweep, for a subject with no open event older
   * than the queued one) promotes the next.
   */
  private async queuedBehind(consumer: RegisteredConsumer, event: CloudEvent): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM outbox_events
        WHERE destination = $1 AND subject = $2 AND status = 'queued'
        ORDER BY position
        LIMIT $3`,
      [consumer.destination, event.subject, COALESCE_AT_MOST],
    );
    return rows.map((row) => row.id);
  }

  /** Before the head is marked, so that its promotion moves on to the first successor the handler did not cover. */
  private async deliverCoalesced(consumer: RegisteredConsumer, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    const [, delivered] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE outbox_events SET status = 'delivered', delivered_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
      [ids],
    );
    this.metrics.processed.inc({ destination: consumer.destination, outcome: 'coalesced' }, delivered);
  }

  private count(consumer: RegisteredConsumer, { event }: QueuedEvent, outcome: 'delivered' | 'duplicate'): void {
    this.metrics.processed.inc({ destination: consumer.destination, outcome });
    if (outcome === 'delivered') {
      this.metrics.deliveryLatency.observe(
        { destination: consumer.destination },
        (Date.now() - new Date(event.time).getTime()) / 1000,
      );
    }
  }

  /** Best effort: the outbox row shows attempts and the last error while BullMQ retries. */
  private async noteFailure({ event, generation }: QueuedEvent, failure: ClassifiedFailure, countsAsAttempt: boolean) {
    await this.dataSource
      .query(
        `UPDATE outbox_events
            SET attempts = attempts + $3, last_error = $4, last_failed_at = now(),
                first_failed_at = coalesce(first_failed_at, now())
          WHERE id = $1 AND generation = $2`,
        [event.id, generation, countsAsAttempt ? 1 : 0, errorRecord(failure)],
      )
      .catch((error: unknown) => this.logger.warn(`Could not record a delivery failure: ${String(error)}`));
  }

  private async firstFailure(eventId: string): Promise<Date> {
    const rows = await this.dataSource.query<{ first_failed_at: Date | null }[]>(
      'SELECT first_failed_at FROM outbox_events WHERE id = $1',
      [eventId],
    );
    return rows[0]?.first_failed_at ?? new Date();
  }
}
