import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { TimePartitionedTable } from '../database/time-partitions';
import { Clock } from '../time/clock';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { MetricsService } from '../metrics/metrics.service';
import { RecurringJob, RecurringJobSummary } from './recurring-job';
import { RetentionPurgeJob } from './retention-purge-job';
import { TimePartitionJob } from './time-partition-job';

/** Proves the recurring-job machinery runs at all: alert when `worker_heartbeat_timestamp_seconds` goes stale. */
@Injectable()
export class HeartbeatJob extends RecurringJob {
  readonly name = 'heartbeat';
  readonly everyMs = 30_000;
  private readonly lastHeartbeat;

  constructor(metrics: MetricsService) {
    super();
    this.lastHeartbeat = metrics.gauge({
      name: 'worker_heartbeat_timestamp_seconds',
      help: 'Unix time of the last maintenance heartbeat this worker processed',
    });
  }

  run(): Promise<RecurringJobSummary> {
    this.lastHeartbeat.setToCurrentTime();
    return Promise.resolve({});
  }
}

/** Idempotency keys past `IDEMPOTENCY_TTL_HOURS`. */
@Injectable()
export class PurgeIdempotencyKeysJob extends RetentionPurgeJob {
  readonly name = 'purge-idempotency-keys';
  readonly everyMs = 60 * 60_000;

  constructor(
    private readonly idempotency: IdempotencyService,
    metrics: MetricsService,
  ) {
    super(metrics);
  }

  protected async purge(signal: AbortSignal) {
    return { idempotency_keys: await this.idempotency.purgeExpired({ signal }) };
  }
}

/**
 * IntegrationLog's daily partitions: a week made ahead, whole days dropped once past
 * `INTEGRATION_LOG_RETENTION_DAYS` (so rows are kept between the retention and a day more). Daily because it is the
 * busiest table by far (every exchange, with capped bodies): storage stays flat instead of swinging by a month.
 */
@Injectable()
export class IntegrationLogPartitionsJob extends TimePartitionJob {
  readonly name = 'integration-log-partitions';
  readonly everyMs = 60 * 60_000;
  protected readonly partitioned: TimePartitionedTable;

  constructor(@InjectDataSource() dataSource: DataSource, clock: Clock, metrics: MetricsService, config: AppConfig) {
    super(dataSource, clock, metrics);
    this.partitioned = {
      table: 'integration_log',
      column: 'occurred_at',
      granularity: 'day',
      retentionDays: config.integrationLog.retentionDays,
      ahead: 7,
    };
  }
}

/**
 * The admin audit log's monthly partitions (a few rows per operator action: a month is small), two months made
 * ahead, dropped once a whole month is past `AUDIT_RETENTION_DAYS`.
 */
@Injectable()
export class AdminAuditLogPartitionsJob extends TimePartitionJob {
  readonly name = 'admin-audit-log-partitions';
  readonly everyMs = 6 * 60 * 60_000;
  protected readonly partitioned: TimePartitionedTable;

  constructor(@InjectDataSource() dataSource: DataSource, clock: Clock, metrics: MetricsService, config: AppConfig) {
    super(dataSource, clock, metrics);
    this.partitioned = {
      table: 'admin_audit_log',
      column: 'occurred_at',
      granularity: 'month',
      retentionDays: config.audit.retentionDays,
      ahead: 2,
    };
  }
}
