import { AppConfig, Clock, MetricsService, type TimePartitionedTable, TimePartitionJob } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The audit trail's monthly partitions (one row per business state change: far fewer than IntegrationLog's), two
 * months made ahead, dropped once a whole month is past `AUDIT_RETENTION_DAYS`.
 */
@Injectable()
export class AuditTrailPartitionsJob extends TimePartitionJob {
  readonly name = 'audit-trail-partitions';
  readonly everyMs = 6 * 60 * 60_000;
  protected readonly partitioned: TimePartitionedTable;

  constructor(@InjectDataSource() dataSource: DataSource, clock: Clock, metrics: MetricsService, config: AppConfig) {
    super(dataSource, clock, metrics);
    this.partitioned = {
      table: 'audit_trail',
      column: 'occurred_at',
      granularity: 'month',
      retentionDays: config.audit.retentionDays,
      ahead: 2,
    };
  }
}
