import { IntegrationError } from '@app/core';
import { EventConsumer, type CloudEvent, type EventHandler } from '@app/events';
import { Injectable, Logger } from '@nestjs/common';
import { ReconcileRuns } from '../application/ports/bitrix24-reconcile-runs.port';
import {
  MASTER_DATA_RECONCILE_DESTINATION,
  MASTER_DATA_RECONCILE_REQUESTED,
} from '../application/reconcile-runs.service';
import { ReconcileService } from '../application/reconcile.service';

/** Thin: carries out a reconcile run the API or the schedule started. One run per kind at a time (one subject). */
@Injectable()
@EventConsumer({ destination: MASTER_DATA_RECONCILE_DESTINATION, transactional: false, concurrency: 2 })
export class MasterDataReconcileConsumer implements EventHandler<unknown> {
  private readonly logger = new Logger(MasterDataReconcileConsumer.name);

  constructor(
    private readonly runs: ReconcileRuns,
    private readonly reconcile: ReconcileService,
  ) {}

  async handle(event: CloudEvent<unknown>): Promise<void> {
    const runId = (event.data as { runId?: unknown } | null)?.runId;
    if (event.type !== MASTER_DATA_RECONCILE_REQUESTED || typeof runId !== 'string') {
      throw new IntegrationError('permanent', 'MASTER_DATA_INVALID_EVENT', `Reconcile request: ${event.type}`);
    }
    const run = await this.runs.get(runId);
    if (run?.status !== 'running') {
      // Finished already: this is a redelivery.
      this.logger.log(`Reconcile run ${runId} is ${run?.status ?? 'unknown'}; nothing to do`);
      return;
    }
    await this.reconcile.run(run);
  }
}
