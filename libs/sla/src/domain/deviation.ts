import type { Breach, SlaRuleId } from '../application/ports/sla-probe.port';
import type { SlaSeverity } from './sla-rules';

export const DEVIATION_STATUSES = ['open', 'resolved'] as const;
export type DeviationStatus = (typeof DEVIATION_STATUSES)[number];

/** Who resolved a deviation: the monitor, when the condition cleared, or an operator, with a comment. */
export type DeviationResolver = 'monitor' | 'admin';

/** One breach of a rule by one subject, from the evaluation that found it to the one that no longer did. */
export interface Deviation {
  readonly id: string;
  readonly rule: SlaRuleId;
  readonly subject: string;
  readonly label: string;
  readonly courierId: string | null;
  readonly severity: SlaSeverity;
  readonly status: DeviationStatus;
  /** The last value seen and the limit it broke, in the rule's unit. */
  readonly value: string;
  readonly threshold: string;
  /** Since when the condition holds (the probe's); `firstSeen`/`lastSeen` are the evaluations that saw it. */
  readonly since: Date;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: DeviationResolver | null;
  /** The operator's, when an operator resolved it. */
  readonly comment: string | null;
  readonly link: string;
}

export interface NewDeviation {
  readonly rule: SlaRuleId;
  readonly breach: Breach;
  readonly severity: SlaSeverity;
  readonly threshold: string;
  readonly seenAt: Date;
}

/** What one evaluation of a rule changes. */
export interface EvaluationPlan {
  /** Breaches of subjects with no open deviation: each opens one. */
  readonly open: readonly Breach[];
  /** Open deviations still in breach, with what the probe sees now. */
  readonly update: readonly { readonly deviation: Deviation; readonly breach: Breach }[];
  /** Open deviations the probe no longer returns: the condition cleared. */
  readonly resolve: readonly Deviation[];
}

/**
 * Compares a probe's snapshot with the rule's open deviations. A breach an operator already resolved (same subject,
 * same `since`: the same episode still going on) opens nothing: the operator said it is being dealt with. A breach
 * of that subject with another `since` is a new episode and opens a new deviation.
 */
export function planEvaluation(
  open: readonly Deviation[],
  resolvedByAdmin: readonly { readonly subject: string; readonly since: Date }[],
  breaches: readonly Breach[],
): EvaluationPlan {
  const openBySubject = new Map(open.map((deviation) => [deviation.subject, deviation]));
  const acknowledged = new Set(resolvedByAdmin.map((entry) => episode(entry.subject, entry.since)));
  const seen = new Set<string>();
  const plan = { open: [] as Breach[], update: [] as { deviation: Deviation; breach: Breach }[] };
  for (const breach of breaches) {
    if (seen.has(breach.subject)) {
      // A probe names a subject once; a second entry would open a second deviation for one subject.
      continue;
    }
    seen.add(breach.subject);
    const deviation = openBySubject.get(breach.subject);
    if (deviation) {
      plan.update.push({ deviation, breach });
    } else if (!acknowledged.has(episode(breach.subject, breach.since))) {
      plan.open.push(breach);
    }
  }
  return { ...plan, resolve: open.filter((deviation) => !seen.has(deviation.subject)) };
}

const episode = (subject: string, since: Date) => `${since.getTime()}|${subject}`;
