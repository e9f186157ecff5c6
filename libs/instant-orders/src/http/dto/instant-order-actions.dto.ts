import { IsTimestamp, NO_NUL, NO_NUL_MESSAGE, ONEC_ID, PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import type { PostingReport } from '../../application/instant-orders.service';
import { INSTANT_ORDER_STATUSES, type InstantOrderStatus } from '../../domain/instant-order-status';

export class InstantOrderIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class CancelInstantOrderDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why, for the history and the back office.' })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MaxLength(500)
  reason?: string;
}

/** 1C's posting result: final. */
export class InstantOrderAckDto {
  @ApiProperty({ enum: ['posted', 'rejected'] })
  @IsIn(['posted', 'rejected'])
  outcome!: 'posted' | 'rejected';

  @ApiPropertyOptional({ description: "The number of 1C's document (required when posted).", example: 'УТ-000789' })
  @ValidateIf((ack: InstantOrderAckDto) => ack.outcome === 'posted' || ack.documentNumber !== undefined)
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MinLength(1)
  @MaxLength(50)
  documentNumber?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-05', description: 'Required when posted.' })
  @ValidateIf((ack: InstantOrderAckDto) => ack.outcome === 'posted' || ack.documentDate !== undefined)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'documentDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'documentDate must be a calendar date' })
  documentDate?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why 1C rejected it (required when rejected).' })
  @ValidateIf((ack: InstantOrderAckDto) => ack.outcome === 'rejected' || ack.reason !== undefined)
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

export const toPostingReport = (body: InstantOrderAckDto): PostingReport => ({
  outcome: body.outcome,
  documentNumber: body.documentNumber ?? null,
  documentDate: body.documentDate ?? null,
  reason: body.reason ?? null,
});

export class InstantOrderListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INSTANT_ORDER_STATUSES })
  @IsOptional()
  @IsIn(INSTANT_ORDER_STATUSES)
  status?: InstantOrderStatus;

  @ApiPropertyOptional({ description: 'A courier’s 1C id; a courier token sees its own orders only.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courier must be a 1C id' })
  courier?: string;

  @ApiPropertyOptional({ description: 'The buyer’s 1C id.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'counterparty must be a 1C id' })
  counterparty?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The delivery it was sold on (the original sale).' })
  @IsOptional()
  @IsUUID()
  delivery?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Sold at or after.' })
  @IsOptional()
  @IsTimestamp()
  sold_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Sold before.' })
  @IsOptional()
  @IsTimestamp()
  sold_to?: string;
}
