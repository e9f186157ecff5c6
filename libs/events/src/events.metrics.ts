import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Delivery metrics. Counters move where things happen; the outbox and dead-letter gauges are read from PostgreSQL
 * at scrape time, so they are right whichever replica is scraped and whatever Redis holds.
 */
@Injectable()
export class EventsMetrics {
  readonly published;
  readonly republished;
  readonly processed;
  readonly failures;
  readonly deferrals;
  readonly deadLettered;
  readonly relayErrors;
  readonly publishLatency;
  readonly deliveryLatency;

  constructor(metrics: MetricsService, @InjectDataSource() dataSource: DataSource) {
    this.published = metrics.counter({
      name: 'events_published_total',
      help: 'Outbox events handed to their destination queue',
      labelNames: ['destination'],
    });
    this.republished = metrics.counter({
      name: 'events_republished_total',
      help: 'Dispatched events re-sent because their job had vanished from Redis',
    });
    this.processed = metrics.counter({
      name: 'events_processed_total',
      help: 'Events a consumer finished, by outcome (delivered; duplicate when already processed; coalesced when delivered with an earlier event of the subject whose handling covered it)',
      labelNames: ['destination', 'outcome'],
    });
    this.failures = metrics.counter({
      name: 'event_delivery_failures_total',
      help: 'Failed delivery attempts by failure kind',
      labelNames: ['destination', 'kind'],
    });
    this.deferrals = metrics.counter({
      name: 'event_delivery_deferrals_total',
      help: 'Deliveries held back a moment because the event came early (not failures: no attempt spent)',
      labelNames: ['destination'],
    });
    this.deadLettered = metrics.counter({
      name: 'events_dead_lettered_total',
      help: 'Events moved to the dead-letter queue',
      labelNames: ['destination', 'reason'],
    });
    this.relayErrors = metrics.counter({
      name: 'outbox_relay_errors_total',
      help: 'Relay passes that failed (Redis or PostgreSQL unavailable)',
    });
    this.publishLatency = metrics.histogram({
      name: 'outbox_publish_latency_seconds',
      help: 'Time from outbox insert to queue hand-off',
      labelNames: ['destination'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
    });
    this.deliveryLatency = metrics.histogram({
      name: 'event_delivery_latency_seconds',
      help: 'Time from event creation to successful delivery',
      labelNames: ['destination'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });

    metrics.gauge({
      name: 'outbox_events',
      help: 'Outbox rows not yet delivered, by destination and status (queued, pending, dispatched, dead)',
      labelNames: ['destination', 'status'],
      async collect() {
        const rows = await dataSource.query<{ destination: string; status: string; n: number }[]>(
          `SELECT destination, status, count(*)::int AS n FROM outbox_events
            WHERE status IN ('queued', 'pending', 'dispatched', 'dead') GROUP BY destination, status`,
        );
        this.reset();
        rows.forEach((row) => this.set({ destination: row.destination, status: row.status }, row.n));
      },
    });
    metrics.gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox row not yet handed to its queue (queued or pending), by destination',
      labelNames: ['destination'],
      async collect() {
        const rows = await dataSource.query<{ destination: string; age: number }[]>(
          `SELECT destination, extract(epoch FROM now() - min(created_at))::float AS age FROM outbox_events
            WHERE status IN ('queued', 'pending') GROUP BY destination`,
        );
        this.reset();
        rows.forEach((row) => this.set({ destination: row.destination }, row.age));
      },
    });
    metrics.gauge({
      name: 'dead_letters_open',
      help: 'Dead letters waiting for an operator, by destination',
      labelNames: ['destination'],
      async collect() {
        const rows = await dataSource.query<{ destination: string; n: number }[]>(
          `SELECT destination, count(*)::int AS n FROM dead_letters WHERE status = 'open' GROUP BY destination`,
        );
        this.reset();
        rows.forEach((row) => this.set({ destination: row.destination }, row.n));
      },
    });
  }
}
