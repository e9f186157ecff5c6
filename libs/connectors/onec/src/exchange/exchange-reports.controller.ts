import {
  answerReport,
  ReportNegotiation,
  type ReportRequest,
  type DurationStats,
  durationStatsSql,
  ReportPeriodQueryDto,
  reportPeriod,
  ReportRoute,
  Roles,
  type TabularReport,
  UnitOfWork,
} from '@app/core';
import { Controller, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';

/** One exchange type and outcome: the sessions 1C started in the period. */
export interface ExchangeSessionReportRow extends DurationStats<'duration'> {
  readonly type: string;
  /** The session's state now: `completed`, `failed`, `expired`, or still `open` / `importing`. */
  readonly outcome: string;
  readonly sessions: number;
  readonly filesUploaded: number;
  readonly recordsImported: number;
  readonly ordersExported: number;
}

export class ExchangeSessionReportRowDto implements ExchangeSessionReportRow {
  @ApiProperty({ enum: ['catalog', 'sale'] }) type!: string;
  @ApiProperty({ enum: ['completed', 'failed', 'expired', 'open', 'importing'] }) outcome!: string;
  @ApiProperty({ description: 'Sessions started (`checkauth`) in the period.' }) sessions!: number;
  @ApiProperty({ description: 'XML files and archives they received.' }) filesUploaded!: number;
  @ApiProperty({ description: 'Records they delivered to the domain.' }) recordsImported!: number;
  @ApiProperty({ description: 'Orders they sent to 1C.' }) ordersExported!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Median seconds from `checkauth` to the end (or, for one not ended, its last call).',
  })
  durationMedianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '95th percentile of the same.' })
  durationP95Seconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Longest of the same.' })
  durationMaxSeconds!: number | null;
}

/** Sessions by start (`idx_onec_exchange_sessions_listing`); failures are the `failed` (and `expired`) lines. */
const EXCHANGE_SESSIONS_SQL = `
  SELECT type, state AS outcome, count(*)::int AS sessions, sum(files_uploaded)::int AS "filesUploaded",
         sum(records_imported)::float8 AS "recordsImported", sum(orders_exported)::int AS "ordersExported",
         ${durationStatsSql('coalesce(finished_at, last_seen_at) - created_at', 'duration')}
    FROM onec_exchange_sessions
   WHERE created_at >= $1 AND created_at < $2
   GROUP BY type, state
   ORDER BY type, state`;

const COLUMNS = [
  'type',
  'outcome',
  'sessions',
  'filesUploaded',
  'recordsImported',
  'ordersExported',
  'durationMedianSeconds',
  'durationP95Seconds',
  'durationMaxSeconds',
] as const satisfies readonly (keyof ExchangeSessionReportRow)[];

@ApiTags('admin')
@Controller('api/v1/admin/reports')
@Roles('admin')
export class ExchangeReportsController {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  @ReportRoute('exchange-sessions', {
    summary: '1C exchange sessions per type and outcome',
    description:
      'CommerceML exchange sessions started in the period per type (`catalog`, `sale`) and outcome (their state ' +
      'now): how many, what they carried, and the median, 95th percentile and longest duration.',
    row: ExchangeSessionReportRowDto,
  })
  async exchangeSessions(
    @Query() query: ReportPeriodQueryDto,
    @ReportNegotiation() request: ReportRequest,
  ): Promise<TabularReport<ExchangeSessionReportRow> | string> {
    const period = reportPeriod(query);
    const rows = await this.unitOfWork.manager.query<ExchangeSessionReportRow[]>(EXCHANGE_SESSIONS_SQL, [
      period.from,
      period.to,
    ]);
    return answerReport(request, { name: 'exchange-sessions', ...period, rows }, COLUMNS);
  }
}
