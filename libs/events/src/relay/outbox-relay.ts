import { AppConfig, RequestContext } from '@app/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConsumerRegistry } from '../consumers/consumer-registry';
import { EventsMetrics } from '../events.metrics';
import { OutboxEnqueuer, OutboxRow } from './outbox-enqueuer';

export const OUTBOX_CHANNEL = 'outbox_events';
/** Session advisory lock held by the one relay that publishes; other replicas stand by. */
const RELAY_LOCK_KEY = 0x6d6d7265; // "mmre"

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
 * Why dispatch is not a recurring job like the relay's housekeeping: the leader holds the LISTEN connection, so a
 * commit wakes it at once (idle commit → queue p50 1.2 ms, p95 7 ms in docs/benchmarks.md), whereas a BullMQ job
 * scheduler fires once per period, so every hand-off would wait half a period on average and a whole one at worst,
 * and each tick would cost a job in Redis. The poll (`EVENTS_RELAY_POLL_INTERVAL_MS`) only covers notifications
 * lost with a connection and status changes made on other replicas, which do not notify.
 *
 * Durability: rows become `dispatched` in the same transaction that saw the queue accept the jobs, so a failure
 * between the two leaves them `pending` and they are re-sent with the same job id (a no-op in BullMQ). The
 * `events-reconcile-dispatched` recurring job re-sends `dispatched` rows whose jobs vanished from Redis.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private leader = false;
  private stopped = false;
  private running = false;
  private rerun = false;
  private poll?: NodeJS.Timeout;
  private lastQueueErrorLog = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly registry: ConsumerRegistry,
    private readonly enqueuer: OutboxEnqueuer,
    private readonly metrics: EventsMetrics,
  ) {}

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
    clearInterval(this.poll);
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
      const jobIds = await this.enqueuer.enqueue(rows);
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
        clearInterval(this.poll);
        this.logger.warn('Outbox relay lost its database session; campaigning again');
        void this.campaign();
      }
    });
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    // Per process: the leader's fallback wake-up, not recurring work of its own (see the class comment).
    this.poll = setInterval(() => this.schedule(), this.config.events.relayPollIntervalMs);
    this.schedule();
  }
}
