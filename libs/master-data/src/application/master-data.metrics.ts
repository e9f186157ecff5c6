import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { MirrorSource } from '../domain/mirror-records';

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';
export type ReconcileOutcome = 'ok' | 'created' | 'updated' | 'deactivated' | 'failed';

/** The mirror's Prometheus metrics; labels come from closed lists (kinds, sources, outcomes). */
@Injectable()
export class MasterDataMetrics {
  private readonly rows: Counter<'kind' | 'source' | 'outcome'>;
  private readonly batchSeconds: Histogram<'kind' | 'source'>;
  private readonly propagationLag: Histogram<'kind'>;
  private readonly propagated: Counter<'kind' | 'outcome'>;
  private readonly reconcileDrift: Gauge<'kind' | 'outcome'>;
  private readonly reconcileRuns: Counter<'kind' | 'status'>;

  constructor(metrics: MetricsService) {
    this.rows = metrics.counter({
      name: 'master_data_rows_total',
      help: 'Master-data records received, by kind, source (commerceml, api) and outcome; rate() gives import rows/s',
      labelNames: ['kind', 'source', 'outcome'],
    });
    this.batchSeconds = metrics.histogram({
      name: 'master_data_batch_seconds',
      help: 'Time to apply one batch of master-data records to the mirror, by kind and source',
      labelNames: ['kind', 'source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.propagationLag = metrics.histogram({
      name: 'master_data_propagation_lag_seconds',
      help: 'From the commit of a mirror change to its write to Bitrix24, by kind',
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    });
    this.propagated = metrics.counter({
      name: 'master_data_propagations_total',
      help: 'Mirror changes handled by the Bitrix24 propagation: written, or skipped as already there',
      labelNames: ['kind', 'outcome'],
    });
    this.reconcileDrift = metrics.gauge({
      name: 'master_data_reconcile_drift',
      help: 'Entities by outcome in the last reconcile of a kind against Bitrix24 (dry runs included)',
      labelNames: ['kind', 'outcome'],
    });
    this.reconcileRuns = metrics.counter({
      name: 'master_data_reconcile_runs_total',
      help: 'Reconcile runs against Bitrix24, by kind and final status',
      labelNames: ['kind', 'status'],
    });
  }

  rowsWritten(kind: MasterDataKind, source: MirrorSource, outcome: RowOutcome, count: number): void {
    if (count > 0) {
      this.rows.inc({ kind, source, outcome }, count);
    }
  }

  batchApplied(kind: MasterDataKind, source: MirrorSource, seconds: number): void {
    this.batchSeconds.observe({ kind, source }, seconds);
  }

  propagation(kind: MasterDataKind, outcome: 'written' | 'skipped', lagSeconds?: number): void {
    this.propagated.inc({ kind, outcome });
    if (lagSeconds !== undefined) {
      this.propagationLag.observe({ kind }, lagSeconds);
    }
  }

  reconciled(
    kind: MasterDataKind,
    status: 'succeeded' | 'failed',
    counts: Partial<Record<ReconcileOutcome, number>>,
  ): void {
    this.reconcileRuns.inc({ kind, status });
    for (const outcome of ['ok', 'created', 'updated', 'deactivated', 'failed'] as const) {
      this.reconcileDrift.set({ kind, outcome }, counts[outcome] ?? 0);
    }
  }
}
