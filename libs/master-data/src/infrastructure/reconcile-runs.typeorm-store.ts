import { randomUUID } from 'node:crypto';
import { advisoryLockKey, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import {
  RECONCILE_OUTCOMES,
  ReconcileRuns,
  type ReconcileKind,
  type ReconcileResult,
  type ReconcileRun,
} from '../application/ports/bitrix24-reconcile-runs.port';
import { ReconcileRunEntity } from './bookkeeping.entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A run still `running` this long after it started lost its worker for good. */
const ABANDONED_AFTER = '1 day';

@Injectable()
export class TypeormReconcileRuns extends ReconcileRuns {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(ReconcileRunEntity);
  }

  async startIfIdle(kind: ReconcileKind, dryRun: boolean, trigger: string): Promise<ReconcileRun | undefined> {
    // Serialises the check and the insert per kind until the transaction ends: two requests cannot both find no run.
    await this.unitOfWork.manager.query('SELECT pg_advisory_xact_lock($1::bigint)', [
      advisoryLockKey(`md_reconcile_runs:${kind}`),
    ]);
    await this.unitOfWork.manager.query(
      `UPDATE md_reconcile_runs SET status = 'failed', finished_at = now(),
              error = 'abandoned: still running ${ABANDONED_AFTER} after it started (its worker stopped)'
        WHERE kind = $1 AND status = 'running' AND started_at < now() - interval '${ABANDONED_AFTER}'`,
      [kind],
    );
    if (await this.repository.existsBy({ kind, status: 'running' })) {
      return undefined;
    }
    const row = {
      id: randomUUID(),
      kind,
      dryRun,
      trigger,
      status: 'running' as const,
      // Set here, in milliseconds, so that list cursors (which carry it as an ISO string) compare exactly.
      startedAt: new Date(),
    };
    await this.repository.insert(row);
    return toRun({ ...row, counts: {}, samples: {}, error: null, finishedAt: null });
  }

  async get(id: string): Promise<ReconcileRun | undefined> {
    if (!UUID.test(id)) {
      return undefined;
    }
    const row = await this.repository.findOneBy({ id });
    return row ? toRun(row) : undefined;
  }

  async list(limit: number, after?: { readonly startedAt: string; readonly id: string }): Promise<ReconcileRun[]> {
    const query = this.repository
      .createQueryBuilder('run')
      .orderBy('run.startedAt', 'DESC')
      .addOrderBy('run.id', 'DESC')
      .limit(limit + 1);
    if (after) {
      query.where('(run.startedAt, run.id) < (:startedAt, :id)', after);
    }
    return (await query.getMany()).map(toRun);
  }

  async finish(id: string, result: ReconcileResult): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE md_reconcile_runs SET status = $2, counts = $3::jsonb, samples = $4::jsonb, error = $5, finished_at = now()
        WHERE id = $1`,
      [id, result.status, JSON.stringify(result.counts), JSON.stringify(result.samples), result.error],
    );
  }
}

function toRun(row: ReconcileRunEntity): ReconcileRun {
  const outcomes = (value: Record<string, unknown>, empty: () => unknown) =>
    Object.fromEntries(RECONCILE_OUTCOMES.map((outcome) => [outcome, value[outcome] ?? empty()]));
  return {
    id: row.id,
    kind: row.kind as ReconcileKind,
    dryRun: row.dryRun,
    trigger: row.trigger,
    status: row.status,
    counts: outcomes(row.counts, () => 0) as unknown as ReconcileRun['counts'],
    samples: outcomes(row.samples, () => []) as unknown as ReconcileRun['samples'],
    error: row.error,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
