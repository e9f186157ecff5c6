import { AppConfig, MetricsService, RetentionPurgeJob } from '@app/core';
import { Injectable } from '@nestjs/common';
import { DeviationsService } from '../application/deviations.service';

/** Resolved deviations older than `SLA_DEVIATIONS_RETENTION_DAYS` (see `DeviationStore.purgeResolved` for which). */
@Injectable()
export class PurgeDeviationsJob extends RetentionPurgeJob {
  readonly name = 'purge-sla-deviations';
  readonly everyMs = 60 * 60_000;

  constructor(
    private readonly deviations: DeviationsService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    super(metrics);
  }

  protected async purge(signal: AbortSignal) {
    return { sla_deviations: await this.deviations.purgeResolved(this.config.sla.deviationsRetentionDays, signal) };
  }
}
