import { AppConfig, AppError, RecurringJob, type RecurringJobSummary } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Copies } from '../application/ports/bitrix24-copies.port';
import { RECONCILE_KINDS } from '../application/ports/bitrix24-reconcile-runs.port';
import { ReconcileRunsService } from '../application/reconcile-runs.service';

/**
 * Reconciles products and counterparties with Bitrix24 every `MASTER_DATA_RECONCILE_INTERVAL_MINUTES`: starts a run
 * of each kind (the worker's reconcile consumer carries it out), skipping a kind whose run is still going. Off while
 * no Bitrix24 portal is configured: every run would only fail and log it (a fresh clone's `npm start` did, hourly).
 */
@Injectable()
export class MasterDataReconcileJob extends RecurringJob {
  readonly name = 'master-data-reconcile';
  readonly everyMs: number;

  constructor(
    config: AppConfig,
    private readonly runs: ReconcileRunsService,
    copies: Bitrix24Copies,
  ) {
    super();
    this.everyMs = copies.isConfigured() ? config.masterData.reconcileIntervalMs : 0;
  }

  async run(): Promise<RecurringJobSummary> {
    const summary: Record<string, string> = {};
    for (const kind of RECONCILE_KINDS) {
      try {
        summary[kind] = (await this.runs.start(kind, { dryRun: false, trigger: 'schedule' })).id;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'RECONCILE_RUNNING')) {
          throw error;
        }
        summary[kind] = 'skipped: a run is going';
      }
    }
    return summary;
  }
}
