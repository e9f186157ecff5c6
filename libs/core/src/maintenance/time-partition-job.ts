import { Logger } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { TimePartitions, type TimePartitionedTable } from '../database/time-partitions';
import type { MetricsService } from '../metrics/metrics.service';
import type { Clock } from '../time/clock';
import { RecurringJob, RecurringJobSummary } from './recurring-job';

/**
 * Keeps a time-partitioned table's partitions: creates the current period's and `ahead` more (so inserts land in
 * them, not in the default partition) and drops whole partitions past the retention, never deleting their rows one
 * by one. Also runs at start, so a worker that was down longer than the partitions made ahead catches up at once.
 */
export abstract class TimePartitionJob extends RecurringJob {
  override readonly runAtStart = true;
  private readonly logger = new Logger(this.constructor.name);
  private readonly partitions: TimePartitions;
  private readonly droppedPartitions: Counter<'table'>;
  private readonly purgedRows: Counter<'table'>;
  private readonly defaultRows: Gauge<'table'>;

  /** The table, its partition key, granularity, retention and how many partitions to make ahead. */
  protected abstract readonly partitioned: TimePartitionedTable;

  constructor(
    dataSource: DataSource,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    super();
    this.partitions = new TimePartitions(dataSource);
    this.droppedPartitions = metrics.counter({
      name: 'maintenance_dropped_partitions_total',
      help: 'Time partitions dropped by retention',
      labelNames: ['table'],
    });
    this.purgedRows = metrics.counter({
      name: 'maintenance_purged_rows_total',
      help: 'Rows removed by retention purges',
      labelNames: ['table'],
    });
    this.defaultRows = metrics.gauge({
      name: 'maintenance_default_partition_rows',
      help: 'Rows in a time-partitioned table default partition (should be 0: no partition covered them)',
      labelNames: ['table'],
    });
  }

  async run(signal: AbortSignal): Promise<RecurringJobSummary> {
    const { table } = this.partitioned;
    const result = await this.partitions.maintain(this.partitioned, this.clock.now(), signal);
    this.droppedPartitions.inc({ table }, result.dropped.length);
    this.purgedRows.inc({ table }, result.defaultRowsPurged);
    this.defaultRows.set({ table }, result.defaultRows);
    if (result.created.length > 0 || result.dropped.length > 0) {
      this.logger.log(
        `${table}: created ${result.created.join(', ') || 'none'}; dropped ${result.dropped.join(', ') || 'none'}`,
      );
    }
    if (result.defaultRows > 0) {
      this.logger.warn(`${table}_default holds ${result.defaultRows} rows no partition covers`);
    }
    return {
      created: result.created.length,
      dropped: result.dropped.length,
      defaultRows: result.defaultRows,
    };
  }
}
