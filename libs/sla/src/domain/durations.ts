const MS_PER: Readonly<Record<DurationUnit, number>> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The units a duration rule's threshold is written in. */
export type DurationUnit = 'minutes' | 'hours' | 'days';

/**
 * For a duration rule: whatever started before this instant has lasted longer than the threshold, so a probe can
 * ask its store for `since < cutoff` instead of reading everything.
 */
export function thresholdCutoff(now: Date, threshold: string, unit: DurationUnit): Date {
  return new Date(now.getTime() - Number(threshold) * MS_PER[unit]);
}

/** How long from `since` to `now`, in `unit`, as a breach's value (one decimal: `7.5`). */
export function elapsed(since: Date, now: Date, unit: DurationUnit): string {
  return ((now.getTime() - since.getTime()) / MS_PER[unit]).toFixed(1);
}
