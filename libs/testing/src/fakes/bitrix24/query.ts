import { isRecord, stringParam, toList } from './php-values';
import { parsePortalDate } from './portal-time';
import { RestError } from './rest-error';

/** How a field compares: `multi` matches when any element of the stored array does. */
export type FieldKind = 'number' | 'string' | 'date' | 'boolean' | 'multi' | 'auto';

export interface FieldRef {
  name: string;
  kind: FieldKind;
}

/** Maps a client-supplied field name to the stored key; undefined for a field the method does not know. */
export type FieldResolver = (name: string) => FieldRef | undefined;

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'notIn' | 'like' | 'notLike' | 'pattern' | 'notPattern';

export type FilterNode =
  { logic: 'AND' | 'OR'; children: FilterNode[] } | { field: FieldRef; op: Op; value: unknown; raw: string };

export interface QueryDialect {
  resolve: FieldResolver;
  unknownFilterField(name: string): RestError;
  unknownOrderField(name: string): RestError;
  badDirection(direction: string, field: string): RestError;
  offsetMinutes: number;
}

export const PAGE_SIZE = 50;

// Longest prefixes first so `>=` is not read as `>` followed by a field starting with `=`.
const PREFIX = /^(!=%|!%=|>=|<=|!=|!@|!%|=%|%=|>|<|@|!|=|%)?(.+)$/s;

function isListLike(value: unknown): boolean {
  return Array.isArray(value) || (isRecord(value) && Object.keys(value).every((key) => /^\d+$/.test(key)));
}

export function parseFilter(filter: unknown, dialect: QueryDialect): FilterNode {
  const node: FilterNode = { logic: 'AND', children: [] };
  if (!isRecord(filter)) {
    return node;
  }
  for (const [key, value] of Object.entries(filter)) {
    if (key.toLowerCase() === 'logic') {
      node.logic = String(value).toUpperCase() === 'OR' ? 'OR' : 'AND';
      continue;
    }
    if (/^\d+$/.test(key) && isRecord(value) && !isListLike(value)) {
      node.children.push(parseFilter(value, dialect));
      continue;
    }
    const [, prefix = '', name] = PREFIX.exec(key) ?? [];
    const field = dialect.resolve(name);
    if (!field) {
      throw dialect.unknownFilterField(name);
    }
    node.children.push({ field, op: toOp(prefix, isListLike(value)), value, raw: key });
  }
  return node;
}

function toOp(prefix: string, list: boolean): Op {
  switch (prefix) {
    case '':
    case '=':
    case '@':
      return list || prefix === '@' ? 'in' : '=';
    case '!':
    case '!=':
    case '!@':
      return list || prefix === '!@' ? 'notIn' : '!=';
    case '%':
      return 'like';
    case '!%':
      return 'notLike';
    case '=%':
    case '%=':
      return 'pattern';
    case '!=%':
    case '!%=':
      return 'notPattern';
    default:
      return prefix as Op;
  }
}

export function matchesFilter(record: Record<string, unknown>, node: FilterNode, offsetMinutes: number): boolean {
  if ('logic' in node) {
    const results = node.children.map((child) => matchesFilter(record, child, offsetMinutes));
    return node.logic === 'OR' ? results.length === 0 || results.some(Boolean) : results.every(Boolean);
  }
  const stored = record[node.field.name];
  // Catalog properties store `{value, valueId}` entries; filters compare their values.
  const values: unknown[] = Array.isArray(stored) ? stored : stored === undefined || stored === null ? [] : [stored];
  const candidates =
    node.field.kind === 'multi' ? values.map((one) => (isRecord(one) && 'value' in one ? one.value : one)) : [stored];
  const kind = node.field.kind === 'multi' ? 'auto' : node.field.kind;
  // Negative operators on multiple fields hold only when no element matches the positive form.
  if (node.op === '!=' || node.op === 'notIn') {
    const positive = node.op === '!=' ? '=' : 'in';
    return !candidates.some((value) => compareOp(value, positive, node.value, kind, offsetMinutes));
  }
  return candidates.some((value) => compareOp(value, node.op, node.value, kind, offsetMinutes));
}

function compareOp(stored: unknown, op: Op, wanted: unknown, kind: FieldKind, offsetMinutes: number): boolean {
  switch (op) {
    case 'in':
      return toList(wanted).some((one) => compare(stored, one, kind, offsetMinutes) === 0);
    case 'notIn':
      return !toList(wanted).some((one) => compare(stored, one, kind, offsetMinutes) === 0);
    case '=':
      return compare(stored, wanted, kind, offsetMinutes) === 0;
    case '!=':
      return compare(stored, wanted, kind, offsetMinutes) !== 0;
    case '>':
      return compare(stored, wanted, kind, offsetMinutes) > 0;
    case '>=':
      return compare(stored, wanted, kind, offsetMinutes) >= 0;
    case '<':
      return compare(stored, wanted, kind, offsetMinutes) < 0;
    case '<=':
      return compare(stored, wanted, kind, offsetMinutes) <= 0;
    case 'like':
      return text(stored).includes(text(wanted));
    case 'notLike':
      return !text(stored).includes(text(wanted));
    case 'pattern':
      return likePattern(wanted).test(text(stored));
    case 'notPattern':
      return !likePattern(wanted).test(text(stored));
  }
}

// String comparisons are case-insensitive because the portal's MySQL collation is.
function text(value: unknown): string {
  return value === null || value === undefined ? '' : stringParam(value).toLowerCase();
}

function likePattern(pattern: unknown): RegExp {
  const escaped = text(pattern)
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function asNumber(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    return Number(value);
  }
  return Number.NaN;
}

function asBoolean(value: unknown): boolean {
  return value === true || value === 1 || ['y', '1', 'true'].includes(text(value));
}

/** Three-way comparison; NaN (incomparable) when either side cannot be read as the field's kind. */
export function compare(a: unknown, b: unknown, kind: FieldKind, offsetMinutes: number): number {
  switch (kind) {
    case 'number':
      return asNumber(a) - asNumber(b);
    case 'date':
      // The portal stores whole seconds (its answers show no fractions), so filters compare at that precision.
      return (
        Math.floor((parsePortalDate(a, offsetMinutes) ?? Number.NaN) / 1000) -
        Math.floor((parsePortalDate(b, offsetMinutes) ?? Number.NaN) / 1000)
      );
    case 'boolean':
      return Number(asBoolean(a)) - Number(asBoolean(b));
    case 'auto': {
      const [x, y] = [asNumber(a), asNumber(b)];
      if (!Number.isNaN(x) && !Number.isNaN(y)) {
        return x - y;
      }
      return text(a).localeCompare(text(b));
    }
    case 'string':
    case 'multi':
      return text(a).localeCompare(text(b));
  }
}

/** Applies `order` ({field: 'ASC'|'DESC'}), falling back to `fallback`; ties keep insertion order. */
export function sortRecords<T extends Record<string, unknown>>(
  rows: T[],
  order: unknown,
  fallback: Record<string, 'ASC' | 'DESC'>,
  dialect: QueryDialect,
): T[] {
  const spec = isRecord(order) && Object.keys(order).length > 0 ? order : fallback;
  const keys = Object.entries(spec).map(([name, direction]) => {
    const field = dialect.resolve(name);
    if (!field) {
      throw dialect.unknownOrderField(name);
    }
    const dir = String(direction).toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') {
      throw dialect.badDirection(String(direction), name);
    }
    return { field, sign: dir === 'ASC' ? 1 : -1 };
  });
  return [...rows].sort((a, b) => {
    for (const { field, sign } of keys) {
      const diff = compare(a[field.name], b[field.name], field.kind, dialect.offsetMinutes);
      if (diff !== 0 && !Number.isNaN(diff)) {
        return diff * sign;
      }
    }
    return 0;
  });
}

export interface Page<T> {
  page: T[];
  total?: number;
  next?: number;
}

/**
 * Offset pages of 50 with `total`, and `next` only while rows remain. `start=-1` is the keyset mode that skips the
 * count: no `total`, no `next` (protocol doc §2.6, §0 item 9).
 */
export function paginate<T>(rows: T[], startParam: unknown): Page<T> {
  const start = Math.trunc(asNumber(startParam ?? 0)) || 0;
  if (start < 0) {
    return { page: rows.slice(0, PAGE_SIZE) };
  }
  const page = rows.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < rows.length ? start + PAGE_SIZE : undefined;
  return { page, total: rows.length, ...(next === undefined ? {} : { next }) };
}

/** Filter, sort and page in one go, the common shape of every v2 list method. */
export function runListQuery<T extends Record<string, unknown>>(
  rows: T[],
  params: { filter?: unknown; order?: unknown; start?: unknown },
  fallbackOrder: Record<string, 'ASC' | 'DESC'>,
  dialect: QueryDialect,
): Page<T> {
  const filter = parseFilter(params.filter, dialect);
  const filtered = rows.filter((row) => matchesFilter(row, filter, dialect.offsetMinutes));
  return paginate(sortRecords(filtered, params.order, fallbackOrder, dialect), params.start);
}
