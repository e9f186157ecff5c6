import type { ReportPeriod } from '@app/core';
import type { OutcomeStatus } from '../../domain/delivery-status';

/** One day, courier and outcome: how many outcomes the courier reported that day. */
export interface DeliveryOutcomeReportRow {
  /** The local date (`YYYY-MM-DD`) in the report's time zone. */
  readonly day: string;
  /** Empty when the delivery has no courier. */
  readonly courierId: string;
  readonly outcome: OutcomeStatus;
  readonly deliveries: number;
}

/** Port: the deliveries' reports, computed by the database. */
export abstract class DeliveryReports {
  /** The time zone days are counted in (1C's, `ONEC_TIME_ZONE`). */
  abstract readonly timeZone: string;

  /**
   * Outcomes that happened (`outcome.occurredAt`, the courier's clock) in the period, per local day, courier and
   * outcome status (kept after 1C closes the delivery), ordered by day, courier, outcome.
   */
  abstract outcomesPerDay(period: ReportPeriod): Promise<DeliveryOutcomeReportRow[]>;
}
