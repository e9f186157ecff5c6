/**
 * The median, 95th percentile and maximum of a duration (an `interval` expression) over a group, in seconds with
 * millisecond precision, as `"<prefix>MedianSeconds"`, `"<prefix>P95Seconds"` and `"<prefix>MaxSeconds"` (null when
 * the group has none).
 * Percentiles are continuous (`percentile_cont`: interpolated between the two nearest values), as the reports'
 * documentation defines them; `filter` narrows the rows they are taken over.
 */
export function durationStatsSql(interval: string, prefix: string, filter?: string): string {
  const seconds = `extract(epoch FROM ${interval})`;
  const where = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
  const rounded = (aggregate: string) => `round((${aggregate}${where})::numeric, 3)::float8`;
  return [
    `${rounded(`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds})`)} AS "${prefix}MedianSeconds"`,
    `${rounded(`percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds})`)} AS "${prefix}P95Seconds"`,
    `${rounded(`max(${seconds})`)} AS "${prefix}MaxSeconds"`,
  ].join(',\n');
}

/** The columns {@link durationStatsSql} adds to a row, for a prefix. */
export type DurationStats<Prefix extends string> = {
  readonly [K in `${Prefix}MedianSeconds` | `${Prefix}P95Seconds` | `${Prefix}MaxSeconds`]: number | null;
};
