import { type DurationStats, durationStatsSql, type ReportPeriod, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';

/** One destination and event type: the events created in the period and how long their delivery took. */
export interface SyncLagRow extends DurationStats<'lag'> {
  readonly destination: string;
  readonly type: string;
  readonly created: number;
  /** Of those, delivered by now. */
  readonly delivered: number;
  /** Of those, dead-lettered and not replayed (or discarded) by now. */
  readonly dead: number;
}

/** One destination and error code: the dead letters recorded in the period and what became of them. */
export interface DeadLetterReportRow {
  readonly destination: string;
  readonly errorCode: string;
  readonly count: number;
  readonly open: number;
  readonly replayed: number;
  readonly discarded: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
}

/**
 * Events by creation time (`idx_outbox_events_created_at`): the lag is `delivered_at - created_at`, from the
 * producer's commit to the consumer's (or the puller's) acknowledgement, taken over the delivered ones.
 */
const SYNC_LAG_SQL = `
  SELECT destination, type, count(*)::int AS created, count(delivered_at)::int AS delivered,
         (count(*) FILTER (WHERE status IN ('dead', 'discarded')))::int AS dead,
         ${durationStatsSql('delivered_at - created_at', 'lag')}
    FROM outbox_events
   WHERE created_at >= $1 AND created_at < $2
   GROUP BY destination, type
   ORDER BY destination, type`;

/** Dead letters by the time they were recorded (`idx_dead_letters_created_at`). */
const DEAD_LETTERS_SQL = `
  SELECT destination, error_code AS "errorCode", count(*)::int AS count,
         (count(*) FILTER (WHERE status = 'open'))::int AS open,
         (count(*) FILTER (WHERE status = 'replayed'))::int AS replayed,
         (count(*) FILTER (WHERE status = 'discarded'))::int AS discarded,
         min(first_failed_at) AS "firstFailedAt", max(last_failed_at) AS "lastFailedAt"
    FROM dead_letters
   WHERE created_at >= $1 AND created_at < $2
   GROUP BY destination, error_code
   ORDER BY destination, error_code`;

/** The event backbone's back-office reports, each one grouped query over an indexed time range. */
@Injectable()
export class EventReports {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async syncLag({ from, to }: ReportPeriod): Promise<SyncLagRow[]> {
    return this.unitOfWork.manager.query<SyncLagRow[]>(SYNC_LAG_SQL, [from, to]);
  }

  async deadLetters({ from, to }: ReportPeriod): Promise<DeadLetterReportRow[]> {
    const rows = await this.unitOfWork.manager.query<
      (DeadLetterReportRow & { firstFailedAt: Date; lastFailedAt: Date })[]
    >(DEAD_LETTERS_SQL, [from, to]);
    return rows.map((row) => ({
      ...row,
      firstFailedAt: row.firstFailedAt.toISOString(),
      lastFailedAt: row.lastFailedAt.toISOString(),
    }));
  }
}
