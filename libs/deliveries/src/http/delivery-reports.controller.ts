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
import { type DeliveryOutcomeReportRow, DeliveryReports } from '../application/ports/delivery-reports.port';
import { OUTCOME_STATUSES, type OutcomeStatus } from '../domain/delivery-status';

export class DeliveryOutcomeReportRowDto implements DeliveryOutcomeReportRow {
  @ApiProperty({ format: 'date', example: '2026-03-01', description: 'Local date in 1C’s time zone.' }) day!: string;
  @ApiProperty({ description: 'The courier’s 1C id; empty for a delivery without one.' }) courierId!: string;
  @ApiProperty({ enum: OUTCOME_STATUSES }) outcome!: OutcomeStatus;
  @ApiProperty({ description: 'Outcomes of that day, courier and status.' }) deliveries!: number;
}

const COLUMNS = [
  'day',
  'courierId',
  'outcome',
  'deliveries',
] as const satisfies readonly (keyof DeliveryOutcomeReportRow)[];

@ApiTags('admin')
@Controller('api/v1/admin/reports')
@Roles('admin')
export class DeliveryReportsController {
  constructor(private readonly reports: DeliveryReports) {}

  @ReportRoute('deliveries', {
    summary: 'Delivery outcomes per day, courier and outcome',
    description:
      'Outcomes (delivered, partially delivered, failed) that happened in the period by the courier’s clock, ' +
      'counted per local day in 1C’s time zone (`ONEC_TIME_ZONE`), per courier and per outcome; a closed delivery ' +
      'counts with the outcome it had.',
    row: DeliveryOutcomeReportRowDto,
  })
  async deliveries(
    @Query() query: ReportPeriodQueryDto,
    @ReportNegotiation() request: ReportRequest,
  ): Promise<TabularReport<DeliveryOutcomeReportRow> | string> {
    const period = reportPeriod(query);
    const rows = await this.reports.outcomesPerDay(period);
    return answerReport(request, { name: 'deliveries', ...period, rows }, COLUMNS);
  }
}
