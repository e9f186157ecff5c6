import type { Deviation, DeviationStatus, NewDeviation } from '../../domain/deviation';
import type { SlaSeverity } from '../../domain/sla-rules';
import type { Breach, SlaRuleId } from './sla-probe.port';

export interface DeviationListQuery {
  readonly status?: DeviationStatus;
  readonly rule?: SlaRuleId;
  readonly severity?: SlaSeverity;
  readonly courierId?: string;
  readonly subject?: string;
  /** Opened (first seen) at or after / before. */
  readonly openedFrom?: Date;
  readonly openedTo?: Date;
  /** Newest first: `(firstSeen, id)` below this. */
  readonly before?: { readonly firstSeen: string; readonly id: string };
  readonly limit: number;
}

/** One line of the SLA report: a rule's, a courier's. */
export interface SlaReportLine {
  /** Deviations opened in the period, and how many of those are resolved. */
  readonly opened: number;
  readonly resolved: number;
  /** From opening to resolution, over the period's resolved deviations, in seconds; null when none. */
  readonly medianSecondsToResolve: number | null;
  readonly maxSecondsToResolve: number | null;
  /** The share of the period (percent, 2 decimals) with no deviation open. */
  readonly withinSlaPercent: string;
}

export interface SlaReportRows {
  readonly byRule: readonly (SlaReportLine & { readonly rule: string })[];
  readonly byCourier: readonly (SlaReportLine & { readonly courierId: string })[];
}

/** Port: the deviations' table. Every method joins the ambient transaction. */
export abstract class DeviationStore {
  /** Held until the transaction ends: one evaluation of a rule at a time, across processes. */
  abstract lockRule(rule: SlaRuleId): Promise<void>;
  abstract openOf(rule: SlaRuleId): Promise<Deviation[]>;
  /** The episodes (subject, since) of these subjects an operator resolved. */
  abstract resolvedByAdmin(
    rule: SlaRuleId,
    subjects: readonly string[],
  ): Promise<{ readonly subject: string; readonly since: Date }[]>;
  abstract open(deviations: readonly NewDeviation[]): Promise<Deviation[]>;
  /** What the probe sees now, on a deviation still open (one resolved meanwhile is left alone). */
  abstract refresh(
    id: string,
    breach: Breach,
    settings: { readonly severity: SlaSeverity; readonly threshold: string; readonly seenAt: Date },
  ): Promise<void>;
  /** Resolves those still open and returns them. */
  abstract resolve(
    ids: readonly string[],
    resolution: { readonly at: Date; readonly by: 'monitor' | 'admin'; readonly comment: string | null },
  ): Promise<Deviation[]>;
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Deviation | undefined>;
  /**
   * Deletes, in batches outside any transaction, the deviations resolved more than `days` ago, but for the last
   * episode of a (rule, subject) an operator resolved: that one keeps the episode from reopening while its breach
   * lasts. Returns how many went; stops early when `signal` aborts.
   */
  abstract purgeResolved(days: number, signal: AbortSignal): Promise<number>;
  /** Newest first; `limit + 1` rows when there are more. */
  abstract list(query: DeviationListQuery): Promise<Deviation[]>;
  /** Over deviations overlapping `[from, to)`; rules and couriers without any are left out. */
  abstract report(from: Date, to: Date): Promise<SlaReportRows>;
}
