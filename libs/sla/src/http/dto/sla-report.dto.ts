import { type CsvValue, ReportPeriodQueryDto, toCsv } from '@app/core';
import { ApiProperty } from '@nestjs/swagger';
import type { SlaReport } from '../../application/deviations.service';
import type { SlaReportLine } from '../../application/ports/deviation-store.port';

/** `[from, to)`: the period every back-office report takes. */
export class SlaReportQueryDto extends ReportPeriodQueryDto {}

class SlaReportLineDto {
  @ApiProperty({ description: 'Deviations opened in the period.' }) opened!: number;
  @ApiProperty({ description: 'Of those, resolved (by now).' }) resolved!: number;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Median seconds from opening to resolution.' })
  medianSecondsToResolve!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Longest seconds from opening to resolution.' })
  maxSecondsToResolve!: number | null;
  @ApiProperty({
    example: '98.75',
    description: 'Percent of the period during which no deviation (of the rule, of the courier) was open.',
  })
  withinSlaPercent!: string;
}

export class SlaRuleReportLineDto extends SlaReportLineDto {
  @ApiProperty() rule!: string;
}

export class SlaCourierReportLineDto extends SlaReportLineDto {
  @ApiProperty() courierId!: string;
}

export class SlaReportDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [SlaRuleReportLineDto] }) byRule!: SlaRuleReportLineDto[];
  @ApiProperty({ type: [SlaCourierReportLineDto] }) byCourier!: SlaCourierReportLineDto[];
}

export const toSlaReportDto = (report: SlaReport): SlaReportDto => ({
  from: report.from.toISOString(),
  to: report.to.toISOString(),
  byRule: [...report.byRule],
  byCourier: [...report.byCourier],
});

const COLUMNS: readonly (keyof SlaReportLine)[] = [
  'opened',
  'resolved',
  'medianSecondsToResolve',
  'maxSecondsToResolve',
  'withinSlaPercent',
];

/**
 * The report as one CSV table (RFC 4180, CRLF): a `scope` column (`rule` or `courier`) and the rule or courier in
 * `key`, so a spreadsheet filters either view; an empty cell for a time nobody resolved.
 */
export function toSlaReportCsv(report: SlaReport): string {
  const rows: (readonly CsvValue[])[] = [
    ...report.byRule.map((line) => ['rule', line.rule, ...period(report), ...COLUMNS.map((column) => line[column])]),
    ...report.byCourier.map((line) => [
      'courier',
      line.courierId,
      ...period(report),
      ...COLUMNS.map((column) => line[column]),
    ]),
  ];
  return toCsv(['scope', 'key', 'from', 'to', ...COLUMNS], rows);
}

const period = (report: SlaReport) => [report.from.toISOString(), report.to.toISOString()];
