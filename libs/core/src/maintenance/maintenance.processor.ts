import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { RequestContext } from '../context/request-context';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { IntegrationLogService } from '../integration-log/integration-log.service';
import { MetricsService } from '../metrics/metrics.service';

export const MAINTENANCE_QUEUE = 'maintenance';

export type MaintenanceJobName = 'heartbeat' | 'purge-idempotency-keys' | 'purge-integration-log';

/** Housekeeping that must run somewhere exactly once per period, whatever the number of worker replicas. */
@Processor(MAINTENANCE_QUEUE, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private readonly lastHeartbeat;
  private readonly purged;

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly integrationLog: IntegrationLogService,
    metrics: MetricsService,
  ) {
    super();
    this.lastHeartbeat = metrics.gauge({
      name: 'worker_heartbeat_timestamp_seconds',
      help: 'Unix time of the last maintenance heartbeat this worker processed',
    });
    this.purged = metrics.counter({
      name: 'maintenance_purged_rows_total',
      help: 'Rows removed by retention purges',
      labelNames: ['table'],
    });
  }

  async process(job: Job<unknown, unknown, MaintenanceJobName>): Promise<{ purged?: number }> {
    return RequestContext.run({ requestId: `maintenance:${job.name}:${job.id}`, source: 'scheduler' }, async () => {
      switch (job.name) {
        case 'heartbeat':
          this.lastHeartbeat.setToCurrentTime();
          return {};
        case 'purge-idempotency-keys': {
          const purged = await this.idempotency.purgeExpired();
          this.purged.inc({ table: 'idempotency_keys' }, purged);
          this.logger.log(`Purged ${purged} expired idempotency key(s)`);
          return { purged };
        }
        case 'purge-integration-log': {
          const purged = await this.integrationLog.purgeExpired();
          this.purged.inc({ table: 'integration_log' }, purged);
          this.logger.log(`Purged ${purged} integration log row(s) past retention`);
          return { purged };
        }
      }
    });
  }
}
