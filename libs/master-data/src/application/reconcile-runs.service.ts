import { AuditService, UnitOfWork } from '@app/core';
import { EventPublisher } from '@app/events';
import { Injectable } from '@nestjs/common';
import { MasterDataErrors } from '../domain/master-data.errors';
import { isReconcileKind, ReconcileRuns, type ReconcileRun } from './ports/bitrix24-reconcile-runs.port';

/** The worker's destination that carries out reconcile runs. */
export const MASTER_DATA_RECONCILE_DESTINATION = 'master-data.reconcile';
/** Data: {@link ReconcileRequested}. */
export const MASTER_DATA_RECONCILE_REQUESTED = 'mastermobile.master_data.reconcile_requested.v1';

export interface ReconcileRequested {
  readonly runId: string;
}

/**
 * Starting and reading reconcile runs. A run is created `running` and handed to the worker through the outbox in
 * one transaction, so a run exists exactly when its work is queued; one run of a kind at a time.
 */
@Injectable()
export class ReconcileRunsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly runs: ReconcileRuns,
    private readonly publisher: EventPublisher,
    private readonly audit: AuditService,
  ) {}

  /**
   * Throws RECONCILE_KIND_UNSUPPORTED for a kind without copies, RECONCILE_RUNNING while one of the kind runs. A run
   * an operator starts (`operator`: the token's subject) is an admin action: its `reconcile.start` audit row commits
   * with the run.
   */
  start(
    kind: string,
    options: { readonly dryRun: boolean; readonly trigger: string; readonly operator?: string },
  ): Promise<ReconcileRun> {
    if (!isReconcileKind(kind)) {
      throw MasterDataErrors.reconcileUnsupported(kind);
    }
    return this.unitOfWork.run(async () => {
      const run = await this.runs.startIfIdle(kind, options.dryRun, options.trigger);
      if (run === undefined) {
        throw MasterDataErrors.reconcileRunning(kind);
      }
      await this.publisher.publish<ReconcileRequested>({
        destination: MASTER_DATA_RECONCILE_DESTINATION,
        type: MASTER_DATA_RECONCILE_REQUESTED,
        // One subject per kind: runs of a kind are carried out in order, never two at once.
        subject: `reconcile:${kind}`,
        data: { runId: run.id },
      });
      if (options.operator !== undefined) {
        await this.audit.record({
          actor: options.operator,
          action: 'reconcile.start',
          targetType: 'reconcile_run',
          targetId: run.id,
          details: { kind, dryRun: options.dryRun },
        });
      }
      return run;
    });
  }

  async get(id: string): Promise<ReconcileRun> {
    const run = await this.runs.get(id);
    if (run === undefined) {
      throw MasterDataErrors.notFound('reconcile run', id);
    }
    return run;
  }

  list(limit: number, after?: { readonly startedAt: string; readonly id: string }): Promise<ReconcileRun[]> {
    return this.runs.list(limit, after);
  }
}
