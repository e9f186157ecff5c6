import { randomUUID } from 'node:crypto';
import { deleteInBatches, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import {
  type DeviationListQuery,
  type SlaReportLine,
  type SlaReportRows,
  DeviationStore,
} from '../application/ports/deviation-store.port';
import type { Breach, SlaRuleId } from '../application/ports/sla-probe.port';
import type { Deviation, NewDeviation } from '../domain/deviation';
import type { SlaSeverity } from '../domain/sla-rules';
import { DeviationEntity } from './deviation.entity';

function toDeviation(row: DeviationEntity): Deviation {
  return { ...row, rule: row.rule as SlaRuleId, severity: row.severity as SlaSeverity };
}

interface ReportRow {
  readonly key: string;
  readonly opened: number;
  readonly resolved: number;
  readonly median: number | null;
  readonly max: number | null;
  readonly within: string;
}

/**
 * The SLA report's figures for one grouping (`rule` or `courier_id`) over `[$1, $2)`:
 * - opened, resolved, and the median and max time from opening to resolution, over deviations opened in the period;
 * - within SLA: the share of the period not covered by any of the group's deviations overlapping it (still open
 *   ones until the period's end), their intervals merged so that overlapping deviations count once.
 */
const reportSql = (group: 'rule' | 'courier_id') => `
  WITH overlapping AS (
    SELECT ${group} AS key, first_seen, resolved_at,
           tstzrange(greatest(first_seen, $1), least(coalesce(resolved_at, $2), $2)) AS span
      FROM sla_deviations
     WHERE first_seen < $2 AND coalesce(resolved_at, 'infinity') > $1 AND ${group} IS NOT NULL
  ), covered AS (
    SELECT key, range_agg(span) AS spans FROM overlapping GROUP BY key
  ), covered_seconds AS (
    SELECT key, coalesce(sum(extract(epoch FROM upper(part) - lower(part))), 0) AS seconds
      FROM covered LEFT JOIN LATERAL unnest(spans) AS part ON true GROUP BY key
  ), opened AS (
    SELECT key, count(*)::int AS opened, count(resolved_at)::int AS resolved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - first_seen))
             FILTER (WHERE resolved_at IS NOT NULL) AS median,
           max(extract(epoch FROM resolved_at - first_seen))::float AS max
      FROM overlapping WHERE first_seen >= $1 GROUP BY key
  )
  SELECT c.key, coalesce(o.opened, 0) AS opened, coalesce(o.resolved, 0) AS resolved, o.median, o.max,
         round(100 * (1 - c.seconds / extract(epoch FROM $2::timestamptz - $1::timestamptz))::numeric, 2)::text AS within
    FROM covered_seconds c LEFT JOIN opened o USING (key)
   ORDER BY c.key`;

const toLine = (row: ReportRow): SlaReportLine => ({
  opened: row.opened,
  resolved: row.resolved,
  medianSecondsToResolve: row.median === null ? null : Math.round(row.median),
  maxSecondsToResolve: row.max === null ? null : Math.round(row.max),
  withinSlaPercent: row.within,
});

@Injectable()
export class TypeormDeviationStore extends DeviationStore {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(DeviationEntity);
  }

  async lockRule(rule: SlaRuleId): Promise<void> {
    await this.unitOfWork.manager.query(`SELECT pg_advisory_xact_lock(hashtext('sla-rule:' || $1))`, [rule]);
  }

  async openOf(rule: SlaRuleId): Promise<Deviation[]> {
    return (await this.repository.find({ where: { rule, status: 'open' } })).map(toDeviation);
  }

  purgeResolved(days: number, signal: AbortSignal): Promise<number> {
    return deleteInBatches(
      this.unitOfWork.manager,
      `DELETE FROM sla_deviations WHERE id IN (
         SELECT resolved.id FROM sla_deviations resolved
          WHERE resolved.status = 'resolved' AND resolved.resolved_at < now() - make_interval(days => $1)
            AND (resolved.resolved_by IS DISTINCT FROM 'admin' OR EXISTS (
                   SELECT 1 FROM sla_deviations later
                    WHERE later.rule = resolved.rule AND later.subject = resolved.subject
                      AND later.since > resolved.since))
          LIMIT $2)`,
      [days],
      { signal },
    );
  }

  async resolvedByAdmin(rule: SlaRuleId, subjects: readonly string[]): Promise<{ subject: string; since: Date }[]> {
    if (subjects.length === 0) {
      return [];
    }
    return this.unitOfWork.manager.query<{ subject: string; since: Date }[]>(
      `SELECT DISTINCT subject, since FROM sla_deviations
        WHERE rule = $1 AND subject = ANY($2) AND status = 'resolved' AND resolved_by = 'admin'`,
      [rule, subjects],
    );
  }

  async open(deviations: readonly NewDeviation[]): Promise<Deviation[]> {
    if (deviations.length === 0) {
      return [];
    }
    const rows = deviations.map(({ rule, breach, severity, threshold, seenAt }) =>
      this.repository.create({
        id: randomUUID(),
        rule,
        subject: breach.subject,
        label: breach.label,
        courierId: breach.courierId,
        severity,
        status: 'open',
        value: breach.value,
        threshold,
        since: breach.since,
        firstSeen: seenAt,
        lastSeen: seenAt,
        resolvedAt: null,
        resolvedBy: null,
        comment: null,
        link: breach.link,
      }),
    );
    await this.repository.insert(rows);
    return rows.map(toDeviation);
  }

  async refresh(
    id: string,
    breach: Breach,
    settings: { readonly severity: SlaSeverity; readonly threshold: string; readonly seenAt: Date },
  ): Promise<void> {
    await this.repository.update(
      { id, status: 'open' },
      {
        label: breach.label,
        courierId: breach.courierId,
        value: breach.value,
        link: breach.link,
        severity: settings.severity,
        threshold: settings.threshold,
        lastSeen: settings.seenAt,
      },
    );
  }

  async resolve(
    ids: readonly string[],
    resolution: { readonly at: Date; readonly by: 'monitor' | 'admin'; readonly comment: string | null },
  ): Promise<Deviation[]> {
    if (ids.length === 0) {
      return [];
    }
    const [rows] = await this.unitOfWork.manager.query<[{ id: string }[], number]>(
      `UPDATE sla_deviations SET status = 'resolved', resolved_at = $2, resolved_by = $3, comment = $4
        WHERE id = ANY($1) AND status = 'open' RETURNING id`,
      [ids, resolution.at, resolution.by, resolution.comment],
    );
    if (rows.length === 0) {
      return [];
    }
    return (await this.repository.findBy(rows.map((row) => ({ id: row.id })))).map(toDeviation);
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<Deviation | undefined> {
    const row = await this.repository.findOne({
      where: { id },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return row ? toDeviation(row) : undefined;
  }

  async list(query: DeviationListQuery): Promise<Deviation[]> {
    const builder = this.repository.createQueryBuilder('d');
    const filters: [keyof DeviationListQuery, string][] = [
      ['status', 'd.status = :status'],
      ['rule', 'd.rule = :rule'],
      ['severity', 'd.severity = :severity'],
      ['courierId', 'd.courier_id = :courierId'],
      ['subject', 'd.subject = :subject'],
      ['openedFrom', 'd.first_seen >= :openedFrom'],
      ['openedTo', 'd.first_seen < :openedTo'],
    ];
    for (const [name, condition] of filters) {
      if (query[name] !== undefined) {
        builder.andWhere(condition, { [name]: query[name] });
      }
    }
    if (query.before !== undefined) {
      builder.andWhere('(d.first_seen, d.id) < (:beforeAt::timestamptz, :beforeId::uuid)', {
        beforeAt: query.before.firstSeen,
        beforeId: query.before.id,
      });
    }
    const rows = await builder
      .orderBy('d.first_seen', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return rows.map(toDeviation);
  }

  async report(from: Date, to: Date): Promise<SlaReportRows> {
    const byRule = await this.unitOfWork.manager.query<ReportRow[]>(reportSql('rule'), [from, to]);
    const byCourier = await this.unitOfWork.manager.query<ReportRow[]>(reportSql('courier_id'), [from, to]);
    return {
      byRule: byRule.map((row) => ({ rule: row.key, ...toLine(row) })),
      byCourier: byCourier.map((row) => ({ courierId: row.key, ...toLine(row) })),
    };
  }
}
