import { ApiProperty, ApiPropertyOptional, getSchemaPath, IntersectionType } from '@nestjs/swagger';
import type { MasterDataKind } from '../../domain/master-data-kind';
import type { MirrorRow } from '../../domain/mirror-records';
import { MASTER_DATA_KINDS } from '../../domain/master-data-kind';
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

/** What every row shows besides its kind's fields. */
export class MirrorRowDto {
  @ApiProperty({ format: 'uuid', description: 'Our id.' })
  id!: string;

  @ApiProperty({
    description: "1C's id (`Ид`); a price's `<offer>|<price type>`, a stock level's `<offer>|<warehouse>`.",
  })
  onecId!: string;

  @ApiProperty({ description: "`НомерВерсии`, the API's version, or a content hash when 1C sent none." })
  version!: string;

  @ApiProperty({ description: "1C's deletion mark." })
  deleted!: boolean;

  @ApiProperty({
    description: 'False when deleted, or when the last full snapshot from 1C left it out; Bitrix24 shows it inactive.',
  })
  active!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'The Bitrix24 entity it was written to, once known.' })
  bitrixId!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ProductGroupRowDto extends IntersectionType(MirrorRowDto, ProductGroupFieldsDto) {}
export class UnitRowDto extends IntersectionType(MirrorRowDto, UnitFieldsDto) {}
export class PropertyRowDto extends IntersectionType(MirrorRowDto, PropertyFieldsDto) {}
export class PriceTypeRowDto extends IntersectionType(MirrorRowDto, PriceTypeFieldsDto) {}
export class WarehouseRowDto extends IntersectionType(MirrorRowDto, WarehouseFieldsDto) {}
export class PriceRowDto extends IntersectionType(MirrorRowDto, PriceFieldsDto) {}
export class StockRowDto extends IntersectionType(MirrorRowDto, StockFieldsDto) {}
export class CounterpartyRowDto extends IntersectionType(MirrorRowDto, CounterpartyFieldsDto) {}
export class CourierRowDto extends IntersectionType(MirrorRowDto, CourierFieldsDto) {}
export class CashDeskRowDto extends IntersectionType(MirrorRowDto, CashDeskFieldsDto) {}

export class ProductRowDto extends IntersectionType(MirrorRowDto, ProductFieldsDto) {
  @ApiProperty({
    enum: ['goods', 'offer'],
    description: 'Declared as goods (a `Товар`, or through the API), or only by an offer package (a variant).',
  })
  origin!: 'goods' | 'offer';

  @ApiProperty({ type: String, nullable: true, description: "A variant's product (1C id); null for a product." })
  parentId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "A variant's characteristic (1C id)." })
  characteristicId!: string | null;

  @ApiPropertyOptional({
    type: () => [ProductRowDto],
    description: '`GET …/products/{id}` of a product: its variants, deleted and inactive ones included.',
  })
  variants?: ProductRowDto[];
}

export const ROW_DTOS = [
  ProductRowDto,
  ProductGroupRowDto,
  UnitRowDto,
  PropertyRowDto,
  PriceTypeRowDto,
  PriceRowDto,
  WarehouseRowDto,
  StockRowDto,
  CounterpartyRowDto,
  CourierRowDto,
  CashDeskRowDto,
];

/** The schema of a row of any kind (the kind in the path decides which). */
export const ROW_SCHEMA = { oneOf: ROW_DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })) };

/** A row as the API shows it: bookkeeping, then the kind's fields, decimals as strings. */
export type WireRow = MirrorRowDto & Record<string, unknown>;

export function toWireRow(row: MirrorRow): WireRow {
  return {
    id: row.id,
    onecId: row.onecId,
    version: row.version,
    deleted: row.deleted,
    active: !row.deleted && !row.deactivated,
    bitrixId: row.bitrixId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...row.data,
  };
}

export class MasterDataPageDto {
  @ApiProperty({
    type: 'array',
    items: ROW_SCHEMA,
    description: 'Rows of the kind in the path, oldest change first (`products` → ProductRowDto, …).',
  })
  items!: WireRow[];

  @ApiPropertyOptional({ description: 'Absent on the last page; pass it as `cursor` for the next one.' })
  nextCursor?: string;

  @ApiPropertyOptional({
    description:
      'The position after the last row, on every page (the given cursor when the page is empty). Keep the last ' +
      "page's and pass it as `cursor` later: you get exactly the rows changed since, each change once.",
  })
  resumeCursor?: string;
}

export class MasterDataDeletionDto {
  @ApiProperty({ enum: ['updated', 'unchanged'], description: '`unchanged` when the row was already deleted.' })
  status!: 'updated' | 'unchanged';

  @ApiProperty({ ...ROW_SCHEMA, description: 'The row as it is now.' })
  item!: WireRow;
}

export class MasterDataFeedDto {
  @ApiProperty({ enum: MASTER_DATA_KINDS })
  kind!: MasterDataKind;

  @ApiProperty({ enum: ['commerceml', 'api'] })
  source!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The newest version the feed applied.' })
  lastVersion!: string | null;

  @ApiProperty({ description: "What orders the feed's versions (the API's integer, an exchange's start in ms)." })
  lastVersionSeq!: string;

  @ApiProperty({ format: 'date-time', description: 'When the feed last received a record.' })
  lastReceivedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a record last changed a row.' })
  lastChangedAt!: string | null;

  @ApiProperty({ description: 'Records received, in total.' })
  received!: number;

  @ApiProperty({ description: 'Records that created or updated a row.' })
  changed!: number;

  @ApiProperty({ description: 'Records rejected.' })
  rejected!: number;

  @ApiProperty({ description: 'Seconds since the feed last received a record.' })
  lagSeconds!: number;
}

export class MasterDataFeedsDto {
  @ApiProperty({ type: [MasterDataFeedDto] })
  items!: MasterDataFeedDto[];
}
