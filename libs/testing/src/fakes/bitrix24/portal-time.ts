import { RestError } from './rest-error';

/** The `time` block every Bitrix24 answer carries (protocol doc §2.3), keys in the portal's order. */
export interface TimeBlock {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
}

/** Formats like the portal: ISO-8601 without fractions and with the portal's fixed offset, e.g. `+03:00`. */
export function formatPortalDate(ms: number, offsetMinutes: number): string {
  const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${shifted}${sign}${hh}:${mm}`;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses a filter or field date. Dates without an offset are read in the portal's time zone, as the portal does
 * (REST dates follow the portal time zone, protocol doc §6.3 item 12).
 */
export function parsePortalDate(value: unknown, offsetMinutes: number): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value !== 'string' || value === '') {
    return undefined;
  }
  const local = LOCAL_DATE.exec(value);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offsetMinutes * 60_000;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function requirePortalDate(value: unknown, offsetMinutes: number, field: string): number {
  const parsed = parsePortalDate(value, offsetMinutes);
  if (parsed === undefined) {
    throw new RestError(400, 'INVALID_ARG_VALUE', `Invalid value for field '${field}'`);
  }
  return parsed;
}

export function timeBlock(
  startMs: number,
  processingSec: number,
  operating: { operating: number; resetAt: number },
  offsetMinutes: number,
): TimeBlock {
  // Real answers spend a little more wall time than `processing` (routing, auth); keep that visible.
  const duration = processingSec + 0.002;
  const finishMs = startMs + duration * 1000;
  return {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration,
    processing: processingSec,
    date_start: formatPortalDate(startMs, offsetMinutes),
    date_finish: formatPortalDate(finishMs, offsetMinutes),
    operating_reset_at: operating.resetAt,
    operating: operating.operating,
  };
}
