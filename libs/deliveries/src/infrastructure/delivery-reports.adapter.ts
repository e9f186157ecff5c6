import { AppConfig, type ReportPeriod, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type DeliveryOutcomeReportRow, DeliveryReports } from '../application/ports/delivery-reports.port';

/** An index-only range scan of `idx_deliveries_outcome_report` (outcome time, courier, outcome status). */
const OUTCOMES_PER_DAY_SQL = `
  SELECT to_char(outcome_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, coalesce(courier_id, '') AS "courierId",
         outcome_status AS outcome, count(*)::int AS deliveries
    FROM deliveries
   WHERE outcome_at >= $1 AND outcome_at < $2
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3`;

@Injectable()
export class TypeormDeliveryReports extends DeliveryReports {
  readonly timeZone: string;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    config: AppConfig,
  ) {
    super();
    this.timeZone = config.onec.timeZone;
  }

  outcomesPerDay({ from, to }: ReportPeriod): Promise<DeliveryOutcomeReportRow[]> {
    return this.unitOfWork.manager.query<DeliveryOutcomeReportRow[]>(OUTCOMES_PER_DAY_SQL, [from, to, this.timeZone]);
  }
}
