import type { Bitrix24CopyKind, FieldDifference } from '../../domain/bitrix24-projection';
import type { ReconcileOutcome } from '../master-data.metrics';

/** The kinds reconciled with Bitrix24 (their URL names): what has a copy of its own there, couriers aside. */
export const RECONCILE_KINDS = ['products', 'counterparties'] as const;
export type ReconcileKind = (typeof RECONCILE_KINDS)[number];

export function isReconcileKind(value: unknown): value is ReconcileKind {
  return typeof value === 'string' && (RECONCILE_KINDS as readonly string[]).includes(value);
}

export const RECONCILE_OUTCOMES: readonly ReconcileOutcome[] = ['ok', 'created', 'updated', 'deactivated', 'failed'];

/** One entity of a run's report: which copy, and what differed or went wrong. */
export interface ReconcileSample {
  /** The 1C id (the copy's external id). */
  readonly externalId: string;
  readonly bitrixKind: Bitrix24CopyKind;
  readonly bitrixId?: string;
  readonly differences?: readonly FieldDifference[];
  readonly error?: string;
}

export type ReconcileRunStatus = 'running' | 'succeeded' | 'failed';

export interface ReconcileRun {
  readonly id: string;
  readonly kind: ReconcileKind;
  readonly dryRun: boolean;
  /** `schedule`, or the admin who asked. */
  readonly trigger: string;
  readonly status: ReconcileRunStatus;
  readonly counts: Readonly<Record<ReconcileOutcome, number>>;
  readonly samples: Readonly<Record<ReconcileOutcome, readonly ReconcileSample[]>>;
  readonly error: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export interface ReconcileResult {
  readonly status: Exclude<ReconcileRunStatus, 'running'>;
  readonly counts: ReconcileRun['counts'];
  readonly samples: ReconcileRun['samples'];
  readonly error: string | null;
}

/** Port: the reconcile runs and their reports (`md_reconcile_runs`). */
export abstract class ReconcileRuns {
  /**
   * A new run, unless one of the kind is running (then undefined); in the ambient transaction, serialised per kind.
   * A run still `running` a day after it started lost its worker for good and is marked failed first.
   */
  abstract startIfIdle(kind: ReconcileKind, dryRun: boolean, trigger: string): Promise<ReconcileRun | undefined>;

  abstract get(id: string): Promise<ReconcileRun | undefined>;

  /** Newest first, `limit + 1` of them (see `toPage`), after the run at `after`. */
  abstract list(limit: number, after?: { readonly startedAt: string; readonly id: string }): Promise<ReconcileRun[]>;

  abstract finish(id: string, result: ReconcileResult): Promise<void>;
}
