import { AppError, IsTimestamp, PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { ListRequest } from '../../application/master-data.service';
import { MASTER_DATA_KINDS, type MasterDataKind } from '../../domain/master-data-kind';
import { IsInn } from './field.validators';

/** A 1C id as the reads take it: whatever the mirror may hold (CommerceML ids need not be GUIDs). */
const ONEC_ID = /^\P{Cc}{1,200}$/u;
const ONEC_ID_MESSAGE = (name: string) => `${name} must be a 1C id (1-200 characters, no control characters)`;

export class KindParamDto {
  @ApiProperty({ enum: MASTER_DATA_KINDS })
  @IsIn(MASTER_DATA_KINDS)
  kind!: MasterDataKind;
}

export class KindIdParamDto extends KindParamDto {
  @ApiProperty({
    description:
      "Our id (uuid) or 1C's id (`Ид`; a price's `<offer>|<price type>` and a stock level's `<offer>|<warehouse or *>`, URL-encoded).",
  })
  @Matches(ONEC_ID, { message: ONEC_ID_MESSAGE('id') })
  id!: string;
}

/** The per-kind filters of the list, by query parameter. */
const FILTERS = {
  group: ['products', 'product-groups'],
  warehouse: ['stock', 'couriers'],
  price_type: ['prices'],
  product: ['products', 'prices', 'stock'],
  inn: ['counterparties'],
  search: MASTER_DATA_KINDS.filter((kind) => kind !== 'prices' && kind !== 'stock'),
} as const satisfies Record<string, readonly MasterDataKind[]>;

type Filter = keyof typeof FILTERS;

export class MasterDataListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only rows changed after this instant (RFC 3339 with an offset).',
  })
  @IsOptional()
  @IsTimestamp()
  updated_after?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Also rows marked deleted and rows the last full snapshot from 1C left out.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  include_deleted?: 'true' | 'false';

  @ApiPropertyOptional({
    description: "products: in this group (1C id); product-groups: this group's direct subgroups.",
  })
  @IsOptional()
  @Matches(ONEC_ID, { message: ONEC_ID_MESSAGE('group') })
  group?: string;

  @ApiPropertyOptional({ description: 'stock: at this warehouse (1C id); couriers: with this van warehouse.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: ONEC_ID_MESSAGE('warehouse') })
  warehouse?: string;

  @ApiPropertyOptional({ description: 'prices: of this price type (1C id).' })
  @IsOptional()
  @Matches(ONEC_ID, { message: ONEC_ID_MESSAGE('price_type') })
  price_type?: string;

  @ApiPropertyOptional({
    description: 'products: this product and its variants; prices, stock: of this product or any of its variants.',
  })
  @IsOptional()
  @Matches(ONEC_ID, { message: ONEC_ID_MESSAGE('product') })
  product?: string;

  @ApiPropertyOptional({ description: 'counterparties: with this INN (10 or 12 digits).' })
  @IsOptional()
  @IsInn()
  inn?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'products: name contains (case-insensitive), or article, barcode or code equals; other kinds with a name: ' +
      'name contains. Not for prices and stock.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^\P{Cc}*$/u, { message: 'search must not contain control characters' })
  search?: string;
}

/** The store's query for a validated request; a filter the kind does not have is a 400 naming it. */
export function toListRequest(kind: MasterDataKind, query: MasterDataListQueryDto): ListRequest {
  const inapplicable = (Object.keys(FILTERS) as Filter[]).filter(
    (filter) => query[filter] !== undefined && !(FILTERS[filter] as readonly MasterDataKind[]).includes(kind),
  );
  if (inapplicable.length > 0) {
    throw new AppError('MASTER_DATA_FILTER_NOT_APPLICABLE', 'invalid_input', 'Filter not applicable', {
      detail: `${kind} cannot be filtered by ${inapplicable.join(', ')}.`,
      errors: inapplicable.map((filter) => ({
        path: filter,
        message: `${filter} applies to ${FILTERS[filter].join(', ')} only`,
      })),
    });
  }
  return {
    limit: query.limit ?? 50,
    includeDeleted: query.include_deleted === 'true',
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    ...(query.updated_after === undefined ? {} : { updatedAfter: new Date(query.updated_after) }),
    ...(query.group === undefined ? {} : { groupId: query.group }),
    ...(query.warehouse === undefined ? {} : { warehouseId: query.warehouse }),
    ...(query.price_type === undefined ? {} : { priceTypeId: query.price_type }),
    ...(query.product === undefined ? {} : { productId: query.product }),
    ...(query.inn === undefined ? {} : { inn: query.inn }),
    ...(query.search === undefined ? {} : { search: query.search }),
  };
}
