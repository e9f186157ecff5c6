import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * RFC 3339 date-time with a mandatory offset: without one PostgreSQL would read the value in the session's time
 * zone. Up to nine fraction digits (PostgreSQL rounds to microseconds).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * True for an RFC 3339 date-time naming a real instant: the calendar date exists (no 2024-02-30), the time and the
 * offset are in range, and the year is 0001–9999 (PostgreSQL has no year zero). class-validator's `IsDateString`
 * lets `2024-02-30` through, and PostgreSQL then fails the query.
 */
export function isTimestamp(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!match) {
    return false;
  }
  // Absent offset parts (a `Z` offset) count as zero.
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? 0));
  if (year < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return false;
  }
  // Date normalises 02-30 to 03-01: the date is real only if it survives the round trip unchanged.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A strict replacement for `@IsDateString()`: see {@link isTimestamp}. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => isTimestamp(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an RFC 3339 date-time with an offset, e.g. 2024-02-29T10:00:00Z`,
          options,
        ),
      },
    },
    options,
  );
}
