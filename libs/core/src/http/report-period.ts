import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { AppError } from '../errors/app-error';
import { IsTimestamp } from './timestamps';

/** The longest period one report covers: its SQL reads every row of the period. */
export const MAX_REPORT_DAYS = 366;

/** `from` and `to` of a back-office report: `[from, to)`, RFC 3339 with an offset. */
export class ReportPeriodQueryDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the period (included).' })
  @IsDefined()
  @IsTimestamp()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    description: `End of the period (excluded); at most ${MAX_REPORT_DAYS} days after \`from\`.`,
  })
  @IsDefined()
  @IsTimestamp()
  to!: string;
}

export interface ReportPeriod {
  readonly from: Date;
  readonly to: Date;
}

/** The period of a validated query; a backwards or too long one is a 422 `INVALID_REPORT_PERIOD`. */
export function reportPeriod(query: { readonly from: string; readonly to: string }): ReportPeriod {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (from.getTime() >= to.getTime()) {
    throw invalidPeriod('from must be before to');
  }
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 24 * 60 * 60_000) {
    throw invalidPeriod(`a report covers at most ${MAX_REPORT_DAYS} days`);
  }
  return { from, to };
}

function invalidPeriod(message: string): AppError {
  return new AppError('INVALID_REPORT_PERIOD', 'unprocessable', 'Invalid period', {
    detail: message,
    errors: [{ path: 'to', message }],
  });
}
