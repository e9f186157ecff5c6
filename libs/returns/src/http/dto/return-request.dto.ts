import {
  DECIMAL,
  DECIMAL_MESSAGE,
  GeoPointDto,
  IsTimestamp,
  Nested,
  NO_NUL,
  NO_NUL_MESSAGE,
  ONEC_ID,
  PageQueryDto,
} from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { RETURN_REASONS, type ReturnReason } from '../../domain/return';
import { RETURN_STATUSES, type ReturnStatus } from '../../domain/return-status';

const MAX_LINES = 500;
const SALE_KINDS = ['delivery', 'instant_order'] as const;

export class OriginalSaleRefDto {
  @ApiProperty({
    enum: SALE_KINDS,
    description: 'A delivery (delivered in full or in part) or an instant order 1C posted.',
  })
  @IsIn(SALE_KINDS)
  kind!: (typeof SALE_KINDS)[number];

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ReturnLineDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: "The sale's line it takes back." })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ example: '1', description: 'Above zero; at most what the line sold less what was returned of it.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  quantity!: string;

  @ApiProperty({ enum: RETURN_REASONS })
  @IsIn(RETURN_REASONS)
  reason!: ReturnReason;
}

/** A courier's request to take goods back (an admin names the courier's sale the same way). */
export class ReturnRequestDto {
  @ApiPropertyOptional({
    description: "An admin's request on behalf of the sale's courier; a courier's token is its own.",
  })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId?: string;

  @ApiProperty({ type: OriginalSaleRefDto })
  @Nested(() => OriginalSaleRefDto)
  sale!: OriginalSaleRefDto;

  @ApiProperty({ type: [ReturnLineDto], minItems: 1, maxItems: MAX_LINES })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @Nested(() => ReturnLineDto, { each: true })
  items!: ReturnLineDto[];

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MaxLength(1000)
  comment?: string;
}

export class ReturnIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class RejectReturnDto {
  @ApiProperty({ maxLength: 500, description: 'Why: the courier and the customer are told.' })
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class PickupDto {
  @ApiProperty({ format: 'date-time', description: 'When the courier took the goods.' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @Nested(() => GeoPointDto)
  geo?: GeoPointDto;

  @ApiPropertyOptional({ example: '99.80', description: 'Cash paid back to the customer; at most the refund due.' })
  @IsOptional()
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  cashRefund?: string;
}

export class ReceivedLineDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ example: '1', description: 'Counted at the warehouse; a line left out counts as none received.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  quantity!: string;
}

export class ReceiptDto {
  @ApiProperty({ format: 'date-time' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiProperty({ type: [ReceivedLineDto], maxItems: MAX_LINES })
  @ArrayMaxSize(MAX_LINES)
  @Nested(() => ReceivedLineDto, { each: true })
  items!: ReceivedLineDto[];
}

export class ReturnPostingDto {
  @ApiProperty({ description: "The number of 1C's «Возврат товаров от клиента».", example: 'УТ-000321' })
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MinLength(1)
  @MaxLength(50)
  documentNumber!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'documentDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'documentDate must be a calendar date' })
  documentDate!: string;
}

export class ReturnListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RETURN_STATUSES })
  @IsOptional()
  @IsIn(RETURN_STATUSES)
  status?: ReturnStatus;

  @ApiPropertyOptional({ description: 'A courier’s 1C id; a courier token sees its own returns only.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courier must be a 1C id' })
  courier?: string;

  @ApiPropertyOptional({ description: 'The buyer’s 1C id.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'counterparty must be a 1C id' })
  counterparty?: string;

  @ApiPropertyOptional({ enum: SALE_KINDS, description: 'With `sale_id`: the returns of one original sale.' })
  @IsOptional()
  @IsIn(SALE_KINDS)
  sale_kind?: (typeof SALE_KINDS)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  sale_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Requested at or after.' })
  @IsOptional()
  @IsTimestamp()
  created_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Requested before.' })
  @IsOptional()
  @IsTimestamp()
  created_to?: string;
}
