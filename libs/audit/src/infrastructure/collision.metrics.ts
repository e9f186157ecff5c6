import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Open collisions per domain and the age of the oldest, read from PostgreSQL at scrape (every replica reports the
 * same): a collision holds a field back from 1C or Bitrix24 until an operator decides, so one left waiting is a
 * record the systems disagree on.
 */
@Injectable()
export class CollisionMetrics {
  constructor(metrics: MetricsService, @InjectDataSource() dataSource: DataSource) {
    const openByDomain = () =>
      dataSource.query<{ domain: string; n: number; oldest_seconds: number }[]>(
        `SELECT domain, count(*)::int AS n,
                extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
           FROM collisions WHERE status = 'open' GROUP BY domain`,
      );
    metrics.gauge({
      name: 'collisions_open',
      help: 'Collisions waiting for an operator, by domain',
      labelNames: ['domain'],
      async collect() {
        const rows = await openByDomain();
        this.reset();
        rows.forEach((row) => this.set({ domain: row.domain }, row.n));
      },
    });
    metrics.gauge({
      name: 'collisions_oldest_open_age_seconds',
      help: 'Age of the oldest collision waiting for an operator, by domain',
      labelNames: ['domain'],
      async collect() {
        const rows = await openByDomain();
        this.reset();
        rows.forEach((row) => this.set({ domain: row.domain }, row.oldest_seconds));
      },
    });
  }
}
