import { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service';
import { RecurringJob, RecurringJobSummary } from './recurring-job';

interface Queryable {
  query<T>(sql: string, parameters?: unknown[]): Promise<T>;
}

/**
 * Runs a retention `DELETE` whose last parameter is its batch size (`… LIMIT $n`) until a batch comes back short,
 * so a large backlog never holds a long lock or a long transaction. Stops early when `signal` aborts; the next run
 * carries on. Returns how many rows went.
 */
export async function deleteInBatches(
  database: Queryable,
  sql: string,
  parameters: readonly unknown[],
  { batchSize = 5_000, signal }: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const [, deleted] = await database.query<[unknown[], number]>(sql, [...parameters, batchSize]);
    total += deleted;
    if (deleted < batchSize) {
      break;
    }
  }
  return total;
}

/**
 * A retention purge: deletes what a lib keeps no longer than its retention period, counts it in
 * `maintenance_purged_rows_total{table}` and logs it. Every purge of old data is one of these.
 */
export abstract class RetentionPurgeJob extends RecurringJob {
  private readonly logger = new Logger(this.constructor.name);
  private readonly purgedRows: Counter<'table'>;

  constructor(metrics: MetricsService) {
    super();
    this.purgedRows = metrics.counter({
      name: 'maintenance_purged_rows_total',
      help: 'Rows removed by retention purges',
      labelNames: ['table'],
    });
  }

  /** Deletes what is past retention; returns the rows deleted per table. */
  protected abstract purge(signal: AbortSignal): Promise<Readonly<Record<string, number>>>;

  async run(signal: AbortSignal): Promise<RecurringJobSummary> {
    const byTable = Object.entries(await this.purge(signal));
    for (const [table, rows] of byTable) {
      this.purgedRows.inc({ table }, rows);
    }
    this.logger.log(`Purged rows past retention: ${byTable.map(([table, rows]) => `${table} ${rows}`).join(', ')}`);
    return { purged: byTable.reduce((sum, [, rows]) => sum + rows, 0) };
  }
}
