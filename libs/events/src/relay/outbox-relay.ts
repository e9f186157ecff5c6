import { AppConfig, RequestContext } from '@app/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobsOptions } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConsumerRegistry } from '../consumers/consumer-registry';
import { EventJobData, EventQueues, jobIdOf } from '../consumers/event-queues';
import { DeadLetterRecorder } from '../dead-letters/dead-letter.recorder';
import { toCloudEvent } from '../outbox/event-publisher';
import { PROMOTE_STRANDED_HEADS_SQL } from '../outbox/head-of-line';
import { EventsMetrics } from '../events.metrics';

export const OUTBOX_CHANNEL = 'outbox_events';
/** Session advisory lock held by the one relay that publishes; other replicas stand by. */
const RELAY_LOCK_KEY = 0x6d6d7265; // "mmre"
const QUEUE_CALL_TIMEOUT_MS = 5_000;

interface OutboxRow {
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

/**
 * Moves committed outbox rows into BullMQ, one queue per destination.
 *
 * Ordering: for each (destination, subject) only the oldest open event is ever in flight. A row is selected only
 * when no earlier row of its subject is still open and none is dispatched or dead, so retries of one event hold
 * back its successors and nothing else (per-subject head-of-line, the open-source equivalent of BullMQ Pro groups).
 * Successors wait as `queued` (see head-of-line.ts), so each pass scans heads only, not the whole backlog.
 *
 * Liveness: woken by LISTEN/NOTIFY (a statement trigger on outbox_events), with a polling fallback. One replica
 * leads through a PostgreSQL session advisory lock; if it dies its session ends and another takes over.
 *
 * Durability: rows become `dispatched` in the same transaction that saw the queue accept the jobs, so a failure
 * between the two leaves them `pending` and they are re-sent with the same job id (a no-op in BullMQ). A
 * reconciler re-sends `dispatched` rows whose jobs vanished from Redis.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private leader = false;
  private stopped = false;
  private running = false;
  private rerun = false;
  private timers: NodeJS.Timeout[] = [];
  private lastQueueErrorLog = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly registry: ConsumerRegistry,
    private readonly queues: EventQueues,
    private readonly deadLetters: DeadLetterRecorder,
    private readonly metrics: EventsMetrics,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  onApplicationBootstrap(): void {
    if (this.registry.destinations.length === 0) {
      this.logger.log('No event consumers in this process: the outbox relay stays idle');
      return;
    }
    void this.campaign();
  }

  /** Before the database pool closes (in its own shutdown hook), so a pass in progress can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => clearInterval(timer));
    this.timers = [];
    while (this.running) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes until nothing is left; concurrent wake-ups collapse into one more pass. */
  schedule(): void {
    if (!this.leader || this.stopped) {
      return;
    }
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.schedule();
      }
    });
  }

  /** One pass: returns how many events went out. Exposed for tests and benchmarks. */
  async dispatchBatch(): Promise<number> {
    const destinations = this.registry.destinations;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows = (await runner.query(
        `SELECT o.id, o.generation, NULL AS job_id, o.destination, o.type, o.subject, o.source, o.time, o.data, o.entity_version,
                o.request_id, o.traceparent, o.created_at
           FROM outbox_events o
          WHERE o.status = 'pending'
            AND o.destination = ANY($1)
            AND NOT EXISTS (
                  SELECT 1 FROM outbox_events e
                   WHERE e.destination = o.destination AND e.subject = o.subject
                     AND e.status IN ('queued', 'pending', 'dispatched', 'dead')
                     AND (e.status IN ('dispatched', 'dead') OR e.position < o.position))
          ORDER BY o.position
          LIMIT $2
          FOR UPDATE OF o SKIP LOCKED`,
        [destinations, this.config.events.relayBatchSize],
      )) as OutboxRow[];
      if (rows.length === 0) {
        await runner.commitTransaction();
        return 0;
      }
      const jobIds = await this.enqueue(rows);
      await runner.query(
        `UPDATE outbox_events o SET status = 'dispatched', dispatched_at = now(), job_id = j.job_id
           FROM unnest($1::uuid[], $2::text[]) AS j(id, job_id) WHERE o.id = j.id`,
        [rows.map((row) => row.id), rows.map((row) => jobIds.get(row.id))],
      );
      await runner.commitTransaction();
      const now = Date.now();
      for (const row of rows) {
        this.metrics.published.inc({ destination: row.destination });
        this.metrics.publishLatency.observe({ destination: row.destination }, (now - row.created_at.getTime()) / 1000);
      }
      return rows.length;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Re-sends `dispatched` rows whose BullMQ job no longer exists (Redis lost its data) and dead-letters rows whose
   * job failed outside our bookkeeping (e.g. stalled too many times). Returns how many rows it acted on.
   */
  async reconcile(): Promise<number> {
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
    let acted = 0;
    const lost: OutboxRow[] = [];
    for (const [jobId, jobRows] of byJob) {
      const queue = this.queues.of(jobRows[0].destination);
      const state = await withTimeout(queue.getJobState(jobId));
      if (state === 'unknown') {
        lost.push(...jobRows);
      } else if (state === 'completed') {
        // The job finished but rows missed their mark: those the consumer's processed-event record proves are
        // delivered; the rest run again under a fresh job.
        const delivered = await this.dataSource.query<{ id: string }[]>(
          `UPDATE outbox_events o SET status = 'delivered', delivered_at = now()
            WHERE o.id = ANY($1::uuid[]) AND o.status = 'dispatched'
              AND EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.id)
          RETURNING o.id`,
          [jobRows.map((row) => row.id)],
        );
        const done = new Set(delivered.map((row) => row.id));
        const again = jobRows.filter((row) => !done.has(row.id));
        if (again.length > 0) {
          await queue.remove(jobId);
          lost.push(...again);
        }
        acted += done.size;
      } else if (state === 'failed') {
        const job = await queue.getJob(jobId);
        for (const row of jobRows) {
          await this.deadLetters.record({
            event: this.envelopeOf(row),
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
        acted += jobRows.length;
      }
    }
    if (lost.length > 0) {
      const jobIds = await this.enqueue(lost.map((row) => ({ ...row, job_id: null })));
      await this.dataSource.query(
        `UPDATE outbox_events o SET dispatched_at = now(), job_id = j.job_id
           FROM unnest($1::uuid[], $2::text[]) AS j(id, job_id) WHERE o.id = j.id AND o.status = 'dispatched'`,
        [lost.map((row) => row.id), lost.map((row) => jobIds.get(row.id))],
      );
      this.metrics.republished.inc(lost.length);
      this.logger.warn(`Re-published ${lost.length} dispatched event(s) whose jobs were missing from Redis`);
      acted += lost.length;
    }
    return acted;
  }

  /**
   * Hands rows to their queues and returns each row's job id. Transactional consumers get bundles of heads of
   * different subjects (one transaction for many events); others get one event per job.
   */
  private async enqueue(rows: OutboxRow[]): Promise<Map<string, string>> {
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
            events: bundle.map((row) => ({ event: this.envelopeOf(row), generation: row.generation })),
          } satisfies EventJobData,
          opts: { ...options, jobId },
        });
      }
      await withTimeout(this.queues.of(destination).addBulk(jobs));
    }
    return jobIds;
  }

  private envelopeOf(row: OutboxRow) {
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

  private async drain(): Promise<void> {
    await RequestContext.run({ requestId: 'outbox-relay', source: 'scheduler' }, async () => {
      try {
        while (!this.stopped && (await this.dispatchBatch()) > 0) {
          // keep going while full batches come back
        }
      } catch (error) {
        // Redis down or PostgreSQL hiccup: rows stay pending; the poll timer brings us back.
        if (Date.now() - this.lastQueueErrorLog > 10_000) {
          this.lastQueueErrorLog = Date.now();
          this.logger.warn(`Outbox relay could not publish (will retry): ${String(error)}`);
        }
        this.metrics.relayErrors.inc();
      }
    });
  }

  /** Tries to become the leader; stand-bys retry, so a dead leader is replaced within one poll interval. */
  private async campaign(): Promise<void> {
    while (!this.stopped && !this.leader) {
      try {
        const client = new Client({ connectionString: this.config.database.url, application_name: 'outbox-relay' });
        client.on('error', () => undefined);
        await client.connect();
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
          RELAY_LOCK_KEY,
        ]);
        if (rows[0].locked) {
          await this.lead(client);
          return;
        }
        await client.end();
      } catch (error) {
        this.logger.warn(`Outbox relay election failed: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(this.config.events.relayPollIntervalMs, 1_000)));
    }
  }

  private async lead(client: Client): Promise<void> {
    this.listener = client;
    this.leader = true;
    this.logger.log(`Outbox relay leading for destinations: ${this.registry.destinations.join(', ')}`);
    client.on('notification', () => this.schedule());
    client.on('end', () => {
      // Lost the session, hence the lock: step down and campaign again.
      if (!this.stopped) {
        this.leader = false;
        this.listener = undefined;
        this.timers.forEach((timer) => clearInterval(timer));
        this.timers = [];
        this.logger.warn('Outbox relay lost its database session; campaigning again');
        void this.campaign();
      }
    });
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.timers.push(setInterval(() => this.schedule(), this.config.events.relayPollIntervalMs));
    this.timers.push(
      setInterval(
        () => {
          void RequestContext.run({ requestId: 'outbox-reconciler', source: 'scheduler' }, () =>
            this.reconcile().catch((error: unknown) => this.logger.warn(`Outbox reconcile failed: ${String(error)}`)),
          );
        },
        Math.max(500, Math.floor(this.config.events.reconcileAfterMs / 2)),
      ),
    );
    this.timers.push(
      setInterval(() => {
        void RequestContext.run({ requestId: 'events-retention', source: 'scheduler' }, () =>
          this.purgeExpired().catch((error: unknown) =>
            this.logger.warn(`Events retention purge failed: ${String(error)}`),
          ),
        );
      }, 60 * 60_000),
    );
    this.schedule();
  }

  /**
   * Retention, run by the leader only: delivered or discarded outbox rows, processed-event records and finished
   * inbox rows older than EVENTS_RETENTION_DAYS. Open work (pending, dispatched, dead) is never touched.
   */
  async purgeExpired(batchSize = 5_000): Promise<number> {
    const days = this.config.events.retentionDays;
    const statements = [
      `DELETE FROM outbox_events WHERE id IN (SELECT id FROM outbox_events
         WHERE status IN ('delivered', 'discarded') AND created_at < now() - make_interval(days => $1) LIMIT $2)`,
      `DELETE FROM processed_events WHERE ctid IN (SELECT ctid FROM processed_events
         WHERE processed_at < now() - make_interval(days => $1) LIMIT $2)`,
      `DELETE FROM inbox_events WHERE id IN (SELECT id FROM inbox_events
         WHERE status <> 'received' AND received_at < now() - make_interval(days => $1) LIMIT $2)`,
    ];
    let total = 0;
    for (const statement of statements) {
      for (;;) {
        const [, deleted] = await this.dataSource.query<[unknown[], number]>(statement, [days, batchSize]);
        total += deleted;
        if (deleted < batchSize) {
          break;
        }
      }
    }
    return total;
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
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
