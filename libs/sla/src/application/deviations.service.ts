import { AuditTrail } from '@app/audit';
import { AppError, Clock, type Principal, type ReportPeriod, reportPeriod, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Deviation } from '../domain/deviation';
import { DeviationAlerts } from './ports/deviation-alerts.port';
import {
  type DeviationListQuery,
  type SlaReportLine,
  type SlaReportRows,
  DeviationStore,
} from './ports/deviation-store.port';
import { SLA_RULES } from './ports/sla-probe.port';

const notFound = (id: string) =>
  new AppError('DEVIATION_NOT_FOUND', 'not_found', 'Not found', { detail: `No deviation ${id}.` });

export interface SlaReport extends SlaReportRows {
  readonly from: Date;
  readonly to: Date;
}

/** Deviations for the back office: listed, resolved by hand, and summed up in the SLA report. */
@Injectable()
export class DeviationsService {
  constructor(
    private readonly store: DeviationStore,
    private readonly alerts: DeviationAlerts,
    private readonly audit: AuditTrail,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Retention: outside any transaction, the store deletes in batches of its own. */
  purgeResolved(days: number, signal: AbortSignal): Promise<number> {
    return this.store.purgeResolved(days, signal);
  }

  list(query: DeviationListQuery): Promise<Deviation[]> {
    return this.unitOfWork.run(() => this.store.list(query));
  }

  async get(id: string): Promise<Deviation> {
    return (await this.unitOfWork.run(() => this.store.byId(id))) ?? Promise.reject(notFound(id));
  }

  /**
   * An operator closes a deviation with a comment (audited, announced). The same episode does not reopen it while it
   * lasts; a resolved deviation cannot be resolved again (409).
   */
  resolve(id: string, comment: string, principal: Principal): Promise<Deviation> {
    return this.unitOfWork.run(async () => {
      const deviation = await this.store.byId(id, { lock: true });
      if (!deviation) {
        throw notFound(id);
      }
      if (deviation.status === 'resolved') {
        throw new AppError('DEVIATION_RESOLVED', 'conflict', 'Already resolved', {
          detail: `The deviation was resolved by ${deviation.resolvedBy ?? 'the monitor'} at ${deviation.resolvedAt?.toISOString() ?? '?'}.`,
        });
      }
      const [resolved] = await this.store.resolve([id], { at: this.clock.now(), by: 'admin', comment });
      await this.audit.record({
        domain: 'sla',
        entityType: 'deviation',
        entityId: id,
        action: 'resolved',
        source: 'admin',
        actor: principal.subject,
        actorRole: 'admin',
        before: { status: 'open' },
        after: { status: 'resolved', resolvedBy: 'admin' },
        details: { comment, rule: deviation.rule, subject: deviation.subject },
      });
      await this.alerts.announce([{ transition: 'resolved', deviation: resolved }]);
      return resolved;
    });
  }

  /** Every rule has its line, a rule without deviations in the period being 100% within SLA. */
  async report(period: { readonly from: string; readonly to: string }): Promise<SlaReport> {
    const { from, to }: ReportPeriod = reportPeriod(period);
    const rows = await this.unitOfWork.run(() => this.store.report(from, to));
    const byRule = new Map(rows.byRule.map((line) => [line.rule, line]));
    return {
      from,
      to,
      byRule: SLA_RULES.map((rule) => byRule.get(rule) ?? { rule, ...QUIET }),
      byCourier: rows.byCourier,
    };
  }
}

const QUIET: SlaReportLine = {
  opened: 0,
  resolved: 0,
  medianSecondsToResolve: null,
  maxSecondsToResolve: null,
  withinSlaPercent: '100.00',
};
