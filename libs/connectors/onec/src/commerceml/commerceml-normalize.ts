// Normalisers for the value formats real 1C and Bitrix files use (commerceml.md §2.5). They never use JS numbers or
// Date objects: money and quantities stay exact decimal strings, dates stay the 1C local wall-clock time.

const ANY_SPACE = /\s/g; // \s covers NBSP (U+00A0), narrow NBSP (U+202F) and the other Unicode space separators
const UNSIGNED_DECIMAL = /^(\d*)(?:\.(\d*))?$/;

/**
 * Turns a 1C number into a canonical decimal string: `" 1 719,50"` → `"1719.50"`, `"203,78"` → `"203.78"`,
 * `"1,234.56"` → `"1234.56"`. A lone comma is a decimal separator (1C writes Russian-locale numbers);
 * thousands separators are accepted only in groups of three. Returns null for empty or non-numeric input.
 */
export function normalizeDecimal(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  let s = raw.replace(ANY_SPACE, '');
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? '-' : '';
    s = s.slice(1);
  }
  const unified = unifySeparators(s);
  if (unified === null) {
    return null;
  }
  const match = UNSIGNED_DECIMAL.exec(unified);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    return null;
  }
  const integer = match[1] === '' ? '0' : match[1];
  const fraction = match[2] ?? '';
  const value = fraction === '' ? integer : `${integer}.${fraction}`;
  return sign === '-' && /[1-9]/.test(value) ? `-${value}` : value;
}

function unifySeparators(s: string): string | null {
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const decimalSeparator = lastComma > lastDot ? ',' : '.';
    const thousandsSeparator = decimalSeparator === ',' ? '.' : ',';
    const cut = Math.max(lastComma, lastDot);
    const integer = stripThousands(s.slice(0, cut), thousandsSeparator);
    return integer === null ? null : `${integer}.${s.slice(cut + 1)}`;
  }
  const separator = lastComma >= 0 ? ',' : lastDot >= 0 ? '.' : null;
  if (separator === null) {
    return s;
  }
  if (s.indexOf(separator) === s.lastIndexOf(separator)) {
    return separator === ',' ? s.replace(',', '.') : s;
  }
  return stripThousands(s, separator);
}

function stripThousands(integer: string, separator: string): string | null {
  if (!integer.includes(separator)) {
    return integer;
  }
  const groups = integer.split(separator);
  const wellFormed = /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((group) => /^\d{3}$/.test(group));
  return wellFormed ? groups.join('') : null;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?$/;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/**
 * `"2021-02-11"`, `"11.02.2021"`, `"2021-02-11T18:45:21"` → `"2021-02-11"`. The 1C empty date `0001-01-01` and
 * impossible calendar dates give null.
 */
export function normalizeDate(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) {
    return null;
  }
  const datePart = trimmed.split(/[T ]/, 1)[0];
  const iso = ISO_DATE.exec(datePart);
  const ru = iso ? null : RU_DATE.exec(datePart);
  const parts = iso ? [iso[1], iso[2], iso[3]] : ru ? [ru[3], ru[2], ru[1]] : null;
  if (!parts) {
    return null;
  }
  const [year, month, day] = parts.map(Number);
  if (year <= 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  return `${parts[0]}-${pad2(month)}-${pad2(day)}`;
}

/** `"9:05:00"` → `"09:05:00"`, `"18:45"` → `"18:45:00"`; out-of-range values give null. */
export function normalizeTime(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) {
    return null;
  }
  const match = TIME.exec(trimmed);
  if (!match) {
    return null;
  }
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = match[3] === undefined ? 0 : Number(match[3]);
  if (hours > 23 || minutes > 59 || seconds > 59) {
    return null;
  }
  return `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
}

/**
 * `"2021-02-18T9:49:02"` → `"2021-02-18T09:49:02"`, `"11.02.2021 18:45:21"` → `"2021-02-11T18:45:21"`. Input without
 * a time stays a date (`"2015-08-12"`): 1C sends date-only values and inventing midnight would be a lie. A UTC
 * offset, when present, is kept; otherwise the value is 1C's local time.
 */
export function normalizeDateTime(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) {
    return null;
  }
  const offset = OFFSET.exec(trimmed)?.[1] ?? '';
  const withoutOffset = offset ? trimmed.slice(0, -offset.length) : trimmed;
  const separator = withoutOffset.search(/[T ]/);
  const date = normalizeDate(separator < 0 ? withoutOffset : withoutOffset.slice(0, separator));
  if (date === null) {
    return null;
  }
  if (separator < 0) {
    return date;
  }
  const time = normalizeTime(withoutOffset.slice(separator + 1));
  return time === null ? null : `${date}T${time}${offset}`;
}

const BOOLEANS = new Map([
  ['true', true],
  ['1', true],
  ['да', true],
  ['false', false],
  ['0', false],
  ['нет', false],
]);

/** 1C writes `true`/`false`; older exports and hand-made files use `1`/`0` or `да`/`нет`. */
export function normalizeBoolean(raw: string | null | undefined): boolean | null {
  return BOOLEANS.get(raw?.trim().toLowerCase() ?? '') ?? null;
}

/** Price presentations carry NBSP thousands separators and a leading space (`" 1 719 RUB за пара"`). */
export function normalizeSpaces(raw: string | null | undefined): string | null {
  const collapsed = raw?.replace(ANY_SPACE, ' ').replace(/ {2,}/g, ' ').trim();
  return collapsed ? collapsed : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad2(value: number): string {
  return value.toString().padStart(2, '0');
}
