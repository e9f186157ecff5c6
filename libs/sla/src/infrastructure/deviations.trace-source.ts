import { isRequestQuery, type TraceEntry, type TraceQuery, TraceSource, traceSubject } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeviationEntity } from './deviation.entity';

/**
 * The SLA deviations of a record, by their subject (`delivery:<id>`): the opening and, once it cleared, the
 * resolution. Deviations are opened by the monitor's evaluations, not by a request, and carry no request id: a
 * request's timeline has none.
 */
@Injectable()
export class DeviationsTraceSource extends TraceSource {
  readonly name = 'sla';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async entries(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    if (isRequestQuery(query)) {
      return [];
    }
    const rows = await this.dataSource.getRepository(DeviationEntity).find({
      where: { subject: traceSubject(query.entity) },
      order: { firstSeen: 'ASC' },
      take: limit,
    });
    return rows.flatMap((row) => {
      const common = {
        source: this.name,
        requestId: null,
        entity: query.entity,
        details: {
          deviationId: row.id,
          rule: row.rule,
          severity: row.severity,
          status: row.status,
          value: row.value,
          threshold: row.threshold,
          since: row.since.toISOString(),
        },
      };
      const opened: TraceEntry = {
        ...common,
        id: `sla_deviations:${row.id}`,
        at: row.firstSeen.toISOString(),
        kind: 'deviation',
        summary: `SLA ${row.rule} breached (${row.severity}): ${row.value} against ${row.threshold}`,
      };
      if (!row.resolvedAt) {
        return [opened];
      }
      const resolved: TraceEntry = {
        ...common,
        id: `sla_deviations:${row.id}:resolved`,
        at: row.resolvedAt.toISOString(),
        kind: 'deviation',
        summary: `SLA ${row.rule} deviation resolved by ${row.resolvedBy ?? 'unknown'}`,
      };
      return [opened, resolved];
    });
  }
}
