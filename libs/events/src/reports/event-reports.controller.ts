import {
  answerReport,
  ReportNegotiation,
  type ReportRequest,
  ReportPeriodQueryDto,
  reportPeriod,
  ReportRoute,
  Roles,
  type TabularReport,
} from '@app/core';
import { Controller, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { type DeadLetterReportRow, EventReports, type SyncLagRow } from './event-reports.service';

export class SyncLagRowDto implements SyncLagRow {
  @ApiProperty({ example: 'bitrix24' }) destination!: string;
  @ApiProperty({ example: 'mastermobile.delivery.status_changed.v1' }) type!: string;
  @ApiProperty({ description: 'Events created in the period.' }) created!: number;
  @ApiProperty({ description: 'Of those, delivered by now.' }) delivered!: number;
  @ApiProperty({ description: 'Of those, dead (or discarded) now.' }) dead!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median seconds from creation to delivery.' })
  lagMedianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '95th percentile of the same.' })
  lagP95Seconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Longest of the same.' })
  lagMaxSeconds!: number | null;
}

export class DeadLetterReportRowDto implements DeadLetterReportRow {
  @ApiProperty({ example: 'bitrix24' }) destination!: string;
  @ApiProperty({ example: 'BITRIX24_ACCESS_DENIED' }) errorCode!: string;
  @ApiProperty({ description: 'Dead letters recorded in the period.' }) count!: number;
  @ApiProperty({ description: 'Of those, still open.' }) open!: number;
  @ApiProperty({ description: 'Of those, replayed.' }) replayed!: number;
  @ApiProperty({ description: 'Of those, discarded.' }) discarded!: number;
  @ApiProperty({ format: 'date-time', description: 'Earliest first failure among them.' }) firstFailedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Latest last failure among them.' }) lastFailedAt!: string;
}

const SYNC_LAG_COLUMNS = [
  'destination',
  'type',
  'created',
  'delivered',
  'dead',
  'lagMedianSeconds',
  'lagP95Seconds',
  'lagMaxSeconds',
] as const satisfies readonly (keyof SyncLagRow)[];

const DEAD_LETTER_COLUMNS = [
  'destination',
  'errorCode',
  'count',
  'open',
  'replayed',
  'discarded',
  'firstFailedAt',
  'lastFailedAt',
] as const satisfies readonly (keyof DeadLetterReportRow)[];

@ApiTags('admin')
@Controller('api/v1/admin/reports')
@Roles('admin')
export class EventReportsController {
  constructor(private readonly reports: EventReports) {}

  @ReportRoute('sync-lag', {
    summary: 'Sync lag per destination and event type',
    description:
      'Events created in the period per destination and type: how many, how many delivered and dead by now, and ' +
      'the median, 95th percentile and longest time from creation to delivery.',
    row: SyncLagRowDto,
  })
  async syncLag(
    @Query() query: ReportPeriodQueryDto,
    @ReportNegotiation() request: ReportRequest,
  ): Promise<TabularReport<SyncLagRow> | string> {
    const period = reportPeriod(query);
    const rows = await this.reports.syncLag(period);
    return answerReport(request, { name: 'sync-lag', ...period, rows }, SYNC_LAG_COLUMNS);
  }

  @ReportRoute('dead-letters', {
    summary: 'Dead letters per destination and error code',
    description:
      'Dead letters recorded in the period per destination and error code: how many, how many are open, replayed ' +
      'and discarded now, and their first and last failure.',
    row: DeadLetterReportRowDto,
  })
  async deadLetters(
    @Query() query: ReportPeriodQueryDto,
    @ReportNegotiation() request: ReportRequest,
  ): Promise<TabularReport<DeadLetterReportRow> | string> {
    const period = reportPeriod(query);
    const rows = await this.reports.deadLetters(period);
    return answerReport(request, { name: 'dead-letters', ...period, rows }, DEAD_LETTER_COLUMNS);
  }
}
