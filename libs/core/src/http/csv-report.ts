import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type CsvValue = string | number | boolean | null;

/**
 * A table as CSV (RFC 4180: commas, CRLF, a header row, a field quoted when it holds a quote, a comma or a line
 * break); an empty cell for null.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: CsvValue): string {
  const text = value === null ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: an id or an error message is data, not a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `Accept: text/csv` (alone or among others) asks a report for CSV; anything else gets JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  return accept?.toLowerCase().includes('text/csv') ?? false;
}

/**
 * Sets the CSV answer's headers: `text/csv; charset=utf-8`, and an attachment named after the report and its period
 * (`sync-lag_2026-01-01T00-00-00Z_2026-02-01T00-00-00Z.csv`), so a browser saves it as a file.
 */
export function csvReply(reply: FastifyReply, name: string, from: Date, to: Date, csv: string): string {
  const stamp = (date: Date) =>
    date
      .toISOString()
      .replace(/\.\d{3}/, '')
      .replace(/:/g, '-');
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}_${stamp(from)}_${stamp(to)}.csv"`);
  return csv;
}

/** A back-office report as JSON: its period and one object per row. */
export interface TabularReport<Row> {
  readonly from: string;
  readonly to: string;
  readonly rows: readonly Row[];
}

/**
 * A report's answer, negotiated: with `Accept: text/csv`, a CSV attachment whose columns are `columns` (in order),
 * one line per row; otherwise `{ from, to, rows }`.
 */
export function answerReport<Row extends Record<keyof Row, CsvValue>>(
  request: ReportRequest,
  report: { readonly name: string; readonly from: Date; readonly to: Date; readonly rows: readonly Row[] },
  columns: readonly (keyof Row & string)[],
): TabularReport<Row> | string {
  if (wantsCsv(request.accept)) {
    const csv = toCsv(
      columns,
      report.rows.map((row) => columns.map((column) => row[column])),
    );
    return csvReply(request.reply, report.name, report.from, report.to, csv);
  }
  return { from: report.from.toISOString(), to: report.to.toISOString(), rows: report.rows };
}

/** What a report's answer is negotiated with: the request's `Accept` and the reply its CSV headers go on. */
export interface ReportRequest {
  readonly accept: string | undefined;
  readonly reply: FastifyReply;
}

/** The handler's {@link ReportRequest}, for {@link answerReport}; Nest still sends what the handler returns. */
export const ReportNegotiation = createParamDecorator((_data: unknown, context: ExecutionContext): ReportRequest => ({
  accept: context.switchToHttp().getRequest<FastifyRequest>().headers.accept,
  reply: context.switchToHttp().getResponse<FastifyReply>(),
}));
