import { applyDecorators, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { AppError } from '../errors/app-error';
import { ApiProblemResponses } from './api-problem.decorator';
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

/**
 * A report's route (`GET <path>`) and its documentation: JSON `{ from, to, rows: [row] }`, or CSV with
 * `Accept: text/csv` (one column per field of the row, in the row's order), and the problems a period can cause.
 */
export function ReportRoute(
  path: string,
  options: { readonly summary: string; readonly description: string; readonly row: new () => object },
): MethodDecorator {
  return applyDecorators(
    Get(path),
    ApiOperation({
      summary: `${options.summary} (JSON, or CSV with \`Accept: text/csv\`)`,
      description: `${options.description} Over \`[from, to)\`, at most ${MAX_REPORT_DAYS} days (docs/reports.md).`,
    }),
    ApiExtraModels(options.row),
    ApiOkResponse({
      description: 'The report.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['from', 'to', 'rows'],
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              rows: { type: 'array', items: { $ref: getSchemaPath(options.row) } },
            },
          },
        },
        'text/csv': {
          schema: { type: 'string', description: 'RFC 4180: a header row of the row fields, then one line per row.' },
        },
      },
    }),
    ApiProblemResponses(400, 401, 403, 422),
  );
}
