import { Injectable } from '@nestjs/common';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { IntegrationLogService } from '../integration-log/integration-log.service';
import { MetricsService } from '../metrics/metrics.service';
import { RecurringJob, RecurringJobSummary } from './recurring-job';
import { RetentionPurgeJob } from './retention-purge-job';

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

/** Integration log rows past `INTEGRATION_LOG_RETENTION_DAYS`. */
@Injectable()
export class PurgeIntegrationLogJob extends RetentionPurgeJob {
  readonly name = 'purge-integration-log';
  readonly everyMs = 6 * 60 * 60_000;

  constructor(
    private readonly integrationLog: IntegrationLogService,
    metrics: MetricsService,
  ) {
    super(metrics);
  }

  protected async purge(signal: AbortSignal) {
    return { integration_log: await this.integrationLog.purgeExpired({ signal }) };
  }
}
