import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';

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
 * Keyset cursors: the position is the last row's key, so pages stay stable while rows are inserted concurrently
 * (unlike offsets). The encoding is base64url JSON, versioned so the shape can change without breaking clients.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position })).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string, keys: readonly (keyof T)[]): T {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (decoded.v === 1 && keys.every((key) => ['string', 'number'].includes(typeof decoded[key as string]))) {
      return decoded as T;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('INVALID_CURSOR', 'invalid_input', 'Invalid cursor', {
    detail: 'The cursor is malformed or from another list; start again without it.',
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
