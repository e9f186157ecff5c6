import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';
import { isTimestamp } from './timestamps';
import { ONEC_ID } from './wire-formats';

export const MAX_PAGE_SIZE = 200;

/** Query parameters every list endpoint shares. The cursor is opaque to clients. */
export class PageQueryDto {
  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's `nextCursor`." })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * What a cursor field holds, named after the column it is compared with. A cursor comes back from the client, so
 * each field is checked against its column's type and range before it reaches a query: a tampered cursor is a 400,
 * never a PostgreSQL error.
 */
export type CursorFieldType = 'uuid' | 'bigint' | 'integer' | 'timestamp' | 'onec_id';
export type CursorSchema = Readonly<Record<string, CursorFieldType>>;
/** `integer` fields decode to numbers; the others stay strings (bigint exceeds a JS number's precision). */
export type CursorOf<S extends CursorSchema> = { [K in keyof S]: S[K] extends 'integer' ? number : string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_BIGINT_MAX = 2n ** 63n - 1n;
const PG_INTEGER_RANGE = [-(2 ** 31), 2 ** 31 - 1] as const;

/** A non-negative PostgreSQL bigint in canonical decimal form (ids, transaction ids, positions). */
export function isNonNegativeBigint(value: unknown): value is string {
  return typeof value === 'string' && /^(0|[1-9]\d{0,18})$/.test(value) && BigInt(value) <= PG_BIGINT_MAX;
}

const CURSOR_FIELD_CHECKS: Record<CursorFieldType, (value: unknown) => boolean> = {
  uuid: (value) => typeof value === 'string' && UUID.test(value),
  bigint: isNonNegativeBigint,
  integer: (value) =>
    Number.isInteger(value) && (value as number) >= PG_INTEGER_RANGE[0] && (value as number) <= PG_INTEGER_RANGE[1],
  // Cursors carry what `toISOString()` wrote, so anything that does not survive the round trip was edited.
  timestamp: (value) => isTimestamp(value) && new Date(value).toISOString() === value,
  onec_id: (value) => typeof value === 'string' && ONEC_ID.test(value),
};

/**
 * Keyset cursors: the position is the last row's key, so pages stay stable while rows are inserted concurrently
 * (unlike offsets). The encoding is base64url JSON, versioned so the shape can change without breaking clients.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position })).toString('base64url');
}

export function decodeCursor<S extends CursorSchema>(cursor: string, schema: S): CursorOf<S> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const fields = Object.entries(schema);
  if (
    typeof decoded === 'object' &&
    decoded !== null &&
    (decoded as { v?: unknown }).v === 1 &&
    fields.every(([key, type]) => CURSOR_FIELD_CHECKS[type]((decoded as Record<string, unknown>)[key]))
  ) {
    return Object.fromEntries(fields.map(([key]) => [key, (decoded as Record<string, unknown>)[key]])) as CursorOf<S>;
  }
  throw invalidCursor('The cursor is malformed or from another list; start again without it.');
}

export function invalidCursor(detail: string): AppError {
  return new AppError('INVALID_CURSOR', 'invalid_input', 'Invalid cursor', {
    detail,
    errors: [{ path: 'cursor', message: 'cursor is not valid for this list' }],
  });
}

/** Fetch `limit + 1` rows, then call this: the extra row only tells whether another page exists. */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => Record<string, string | number>,
): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last !== undefined
    ? { items: items.map(toItem), nextCursor: encodeCursor(positionOf(last)) }
    : { items: items.map(toItem) };
}

/** The keyset of a list newest first by creation: `(createdAt, id)`. */
export const CREATED_CURSOR = { createdAt: 'timestamp', id: 'uuid' } as const;

/**
 * A page of a list newest first by creation, as every such list answers it: the items, and the cursor of the next
 * page when there is one. `rows` holds `limit + 1` rows when there are more.
 */
export function createdPage<Row extends { readonly createdAt: Date; readonly id: string }, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor?: string } {
  const page = toPage(rows, limit, toItem, (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }));
  return { items: [...page.items], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
