import { AppConfig, deleteInBatches, MetricsService, RetentionPurgeJob } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Delivered or discarded outbox rows, processed-event records and finished inbox rows older than
 * `EVENTS_RETENTION_DAYS`. Open work (queued, pending, dispatched, dead) is never touched.
 */
@Injectable()
export class PurgeEventsJob extends RetentionPurgeJob {
  readonly name = 'purge-events';
  readonly everyMs = 60 * 60_000;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    super(metrics);
  }

  protected async purge(signal: AbortSignal) {
    const days = [this.config.events.retentionDays];
    const options = { signal };
    return {
      outbox_events: await deleteInBatches(
        this.dataSource,
        `DELETE FROM outbox_events WHERE id IN (SELECT id FROM outbox_events
           WHERE status IN ('delivered', 'discarded') AND created_at < now() - make_interval(days => $1) LIMIT $2)`,
        days,
        options,
      ),
      processed_events: await deleteInBatches(
        this.dataSource,
        `DELETE FROM processed_events WHERE ctid IN (SELECT ctid FROM processed_events
           WHERE processed_at < now() - make_interval(days => $1) LIMIT $2)`,
        days,
        options,
      ),
      inbox_events: await deleteInBatches(
        this.dataSource,
        `DELETE FROM inbox_events WHERE id IN (SELECT id FROM inbox_events
           WHERE status <> 'received' AND received_at < now() - make_interval(days => $1) LIMIT $2)`,
        days,
        options,
      ),
    };
  }
}
