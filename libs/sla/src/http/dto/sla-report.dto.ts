import { IsTimestamp } from '@app/core';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import type { SlaReport } from '../../application/deviations.service';
import type { SlaReportLine } from '../../application/ports/deviation-store.port';

export class SlaReportQueryDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the period (included).' })
  @IsDefined()
  @IsTimestamp()
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the period (excluded); at most 366 days after `from`.' })
  @IsDefined()
  @IsTimestamp()
  to!: string;
}

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
  const rows: (readonly (string | number | null)[])[] = [
    ['scope', 'key', 'from', 'to', ...COLUMNS],
    ...report.byRule.map((line) => ['rule', line.rule, ...period(report), ...COLUMNS.map((column) => line[column])]),
    ...report.byCourier.map((line) => [
      'courier',
      line.courierId,
      ...period(report),
      ...COLUMNS.map((column) => line[column]),
    ]),
  ];
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const period = (report: SlaReport) => [report.from.toISOString(), report.to.toISOString()];

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: a courier id is data, not a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
