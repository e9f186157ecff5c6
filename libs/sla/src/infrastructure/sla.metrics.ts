import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Open deviations by rule and severity, read from PostgreSQL at scrape (every replica reports the same). */
@Injectable()
export class SlaMetrics {
  constructor(metrics: MetricsService, @InjectDataSource() dataSource: DataSource) {
    metrics.gauge({
      name: 'sla_open_deviations',
      help: 'SLA deviations open now, by rule and severity',
      labelNames: ['rule', 'severity'],
      async collect() {
        const rows = await dataSource.query<{ rule: string; severity: string; n: number }[]>(
          `SELECT rule, severity, count(*)::int AS n FROM sla_deviations WHERE status = 'open' GROUP BY rule, severity`,
        );
        this.reset();
        rows.forEach((row) => this.set({ rule: row.rule, severity: row.severity }, row.n));
      },
    });
  }
}
