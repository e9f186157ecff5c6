import { DECIMAL, DECIMAL_MESSAGE, GeoPointDto, IsTimestamp, Nested, NO_NUL, ONEC_ID } from '@app/core';
import { VAT_RATES } from '@app/master-data';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { DeliveryContent } from '../../domain/delivery';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A shipment's lines; 1C's documents rarely carry more than a few dozen. */
export const MAX_ITEMS = 500;

export class DeliveryDocumentDto {
  @ApiProperty({
    enum: ['sales', 'order'],
    description: '`sales`: «Реализация товаров и услуг»; `order`: «Заказ клиента».',
  })
  @IsIn(['sales', 'order'])
  type!: 'sales' | 'order';

  @ApiProperty({ example: 'УТ-000123' })
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MinLength(1)
  @MaxLength(50)
  number!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a calendar date' })
  date!: string;

  @ApiProperty({ description: "The document's `Ссылка` (GUID): one delivery per document." })
  @Matches(ONEC_ID, { message: 'onecId must be a 1C id' })
  onecId!: string;
}

export class DeliveryItemDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: "The row's number in the document (`НомерСтроки`)." })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ description: "The product's 1C id (master data `products`)." })
  @Matches(ONEC_ID, { message: 'productId must be a 1C id' })
  productId!: string;

  @ApiPropertyOptional({ nullable: true, description: "The characteristic's 1C id, for a product with variants." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'characteristicId must be a 1C id' })
  characteristicId?: string | null;

  @ApiProperty({ example: '2.000', description: 'Above zero, up to three decimals.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  quantity!: string;

  @ApiProperty({ example: '49.90', description: 'Per unit, VAT included, up to two decimals.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  price!: string;

  @ApiProperty({ enum: VAT_RATES })
  @IsIn(VAT_RATES)
  vatRate!: string;

  @ApiProperty({ example: '99.80', description: 'quantity × price rounded to kopecks, half away from zero.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  amount!: string;
}

export class DeliveryTotalsDto {
  @ApiProperty({ example: '217.00', description: 'The sum of the items’ amounts.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  total!: string;

  @ApiProperty({ example: '117.00', description: 'What the courier collects; "0" when prepaid.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  cashOnDelivery!: string;
}

/** A shipment document of 1C as a delivery task (POST creates, PUT changes it before dispatch). */
export class DeliveryContentDto {
  @ApiProperty({ type: DeliveryDocumentDto })
  @Nested(() => DeliveryDocumentDto)
  document!: DeliveryDocumentDto;

  @ApiProperty({ description: "The customer's 1C id (master data `counterparties`)." })
  @Matches(ONEC_ID, { message: 'counterpartyId must be a 1C id' })
  counterpartyId!: string;

  @ApiProperty({ maxLength: 500, description: 'As 1C writes it (the route point’s `Адрес`).' })
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MinLength(1)
  @MaxLength(500)
  address!: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @Nested(() => GeoPointDto)
  geo?: GeoPointDto;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MaxLength(200)
  contactName?: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MaxLength(50)
  contactPhone?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  windowFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  windowTo?: string;

  @ApiProperty({ description: 'The shipping warehouse’s 1C id (master data `warehouses`).' })
  @Matches(ONEC_ID, { message: 'warehouseId must be a 1C id' })
  warehouseId!: string;

  @ApiPropertyOptional({ description: 'The courier’s 1C id (master data `couriers`); set: the task is assigned.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MaxLength(1000)
  comment?: string;

  @ApiProperty({ type: [DeliveryItemDto], minItems: 1, maxItems: MAX_ITEMS })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS)
  @Nested(() => DeliveryItemDto, { each: true })
  items!: DeliveryItemDto[];

  @ApiProperty({ type: DeliveryTotalsDto })
  @Nested(() => DeliveryTotalsDto)
  totals!: DeliveryTotalsDto;
}

export function toContent(dto: DeliveryContentDto): DeliveryContent {
  return {
    document: {
      type: dto.document.type,
      number: dto.document.number,
      date: dto.document.date,
      onecId: dto.document.onecId,
    },
    counterpartyId: dto.counterpartyId,
    address: dto.address,
    latitude: dto.geo?.latitude ?? null,
    longitude: dto.geo?.longitude ?? null,
    contactName: dto.contactName ?? null,
    contactPhone: dto.contactPhone ?? null,
    windowFrom: dto.windowFrom === undefined ? null : new Date(dto.windowFrom),
    windowTo: dto.windowTo === undefined ? null : new Date(dto.windowTo),
    warehouseId: dto.warehouseId,
    courierId: dto.courierId ?? null,
    comment: dto.comment ?? null,
    items: dto.items.map((item) => ({
      lineNo: item.lineNo,
      productId: item.productId,
      characteristicId: item.characteristicId ?? null,
      quantity: item.quantity,
      price: item.price,
      vatRate: item.vatRate,
      amount: item.amount,
    })),
    total: dto.totals.total,
    cashOnDelivery: dto.totals.cashOnDelivery,
  };
}
