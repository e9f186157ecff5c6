import { ApiProperty, ApiPropertyOptional, getSchemaPath, IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsOptional } from 'class-validator';
import type { MasterDataKind } from '../../domain/master-data-kind';
import { IsOfferId, IsOnecGuid, IsUnitId, IsVersion } from './field.validators';
import {
  CashDeskFieldsDto,
  CounterpartyFieldsDto,
  CourierFieldsDto,
  PriceFieldsDto,
  PriceTypeFieldsDto,
  ProductFieldsDto,
  ProductGroupFieldsDto,
  PropertyFieldsDto,
  StockFieldsDto,
  UnitFieldsDto,
  WarehouseFieldsDto,
} from './kind-fields.dto';

/** A batch's size: what one transaction applies comfortably and one response reports. */
export const MAX_BATCH_ITEMS = 1000;

const VERSION =
  'Grows with every change of the record in 1C (a data version counter, or a change time in ms): a non-negative ' +
  'integer, as a decimal string or a JSON integer up to 2^53-1. An older version than the stored one, or the ' +
  'stored version with other content, is rejected (`STALE_VERSION`); the same content is `unchanged`.';

class VersionedItemDto {
  @ApiProperty({
    oneOf: [
      { type: 'string', pattern: '^(0|[1-9][0-9]{0,18})$' },
      { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    ],
    example: '42',
    description: VERSION,
  })
  @IsVersion()
  version!: string | number;

  @ApiPropertyOptional({
    default: false,
    description: "1C's deletion mark (`ПометкаУдаления`): the row is kept, hidden from default reads.",
  })
  @IsOptional()
  @IsBoolean()
  deleted?: boolean;
}

class GuidItemDto extends VersionedItemDto {
  @ApiProperty({ format: 'uuid', description: "1C's id (`Ид`, a GUID)." })
  @IsOnecGuid()
  id!: string;
}

class UnitIdItemDto extends VersionedItemDto {
  @ApiProperty({ example: '796', description: "1C's id: a GUID, or the OKEI code where 1C keys units by code." })
  @IsUnitId()
  id!: string;
}

class OfferIdItemDto extends VersionedItemDto {
  @ApiProperty({
    example: '0a4f3b1e-0000-4000-8000-000000000010#5c1d2e3f-0000-4000-8000-000000000001',
    description: "1C's id: a product GUID, or `<product GUID>#<characteristic GUID>` for a variant.",
  })
  @IsOfferId()
  id!: string;
}

export class ProductGroupItemDto extends IntersectionType(GuidItemDto, ProductGroupFieldsDto) {}
export class UnitItemDto extends IntersectionType(UnitIdItemDto, UnitFieldsDto) {}
export class PropertyItemDto extends IntersectionType(GuidItemDto, PropertyFieldsDto) {}
export class PriceTypeItemDto extends IntersectionType(GuidItemDto, PriceTypeFieldsDto) {}
export class WarehouseItemDto extends IntersectionType(GuidItemDto, WarehouseFieldsDto) {}
export class ProductItemDto extends IntersectionType(OfferIdItemDto, ProductFieldsDto) {}
/** No id of its own: 1C keys a price by its offer and price type. */
export class PriceItemDto extends IntersectionType(VersionedItemDto, PriceFieldsDto) {}
/** No id of its own: 1C keys a stock level by its offer and warehouse. */
export class StockItemDto extends IntersectionType(VersionedItemDto, StockFieldsDto) {}
export class CounterpartyItemDto extends IntersectionType(GuidItemDto, CounterpartyFieldsDto) {}
export class CourierItemDto extends IntersectionType(GuidItemDto, CourierFieldsDto) {}
export class CashDeskItemDto extends IntersectionType(GuidItemDto, CashDeskFieldsDto) {}

/** The item schema of each kind. */
export const ITEM_DTO_OF = {
  products: ProductItemDto,
  'product-groups': ProductGroupItemDto,
  units: UnitItemDto,
  properties: PropertyItemDto,
  'price-types': PriceTypeItemDto,
  prices: PriceItemDto,
  warehouses: WarehouseItemDto,
  stock: StockItemDto,
  counterparties: CounterpartyItemDto,
  couriers: CourierItemDto,
  'cash-desks': CashDeskItemDto,
} as const satisfies Record<MasterDataKind, unknown>;

export const ITEM_DTOS = Object.values(ITEM_DTO_OF);

/**
 * The envelope only: each item is validated on its own against its kind's item schema, so that one bad item is
 * rejected alone while the others apply.
 */
export class MasterDataBatchDto {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    items: { oneOf: ITEM_DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })) },
    description: 'Records of the kind in the path (`products` → ProductItemDto, `prices` → PriceItemDto, …).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  @IsObject({ each: true, message: 'each item must be a JSON object' })
  items!: Record<string, unknown>[];
}

export const REJECTION_CODES = ['INVALID_FIELD', 'UNKNOWN_REFERENCE', 'STALE_VERSION', 'DUPLICATE_IN_BATCH'] as const;

export class MasterDataItemErrorDto {
  @ApiProperty({ example: 'items.3.price', description: 'The field, from the body: `items.<index>.<field>`.' })
  path!: string;

  @ApiProperty({ enum: REJECTION_CODES })
  code!: string;

  @ApiProperty({ example: 'price must not be negative' })
  message!: string;
}

export class MasterDataItemResultDto {
  @ApiProperty({ description: "The item's position in `items`." })
  index!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The item's 1C id (a price's `<offer>|<price type>`, a stock level's `<offer>|<warehouse or *>`); null " +
      'when the item carries no valid one.',
  })
  id!: string | null;

  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'rejected'] })
  status!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Our id of the row this item created or updated.' })
  rowId?: string;

  @ApiPropertyOptional({
    type: [MasterDataItemErrorDto],
    description: 'Why the item was rejected (at most 5 reasons).',
  })
  errors?: MasterDataItemErrorDto[];
}

export class MasterDataBatchCountsDto {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() rejected!: number;
}

export class MasterDataBatchResultDto {
  @ApiProperty({ type: [MasterDataItemResultDto], description: 'One per item, in input order.' })
  results!: MasterDataItemResultDto[];

  @ApiProperty({ type: MasterDataBatchCountsDto })
  counts!: MasterDataBatchCountsDto;
}
