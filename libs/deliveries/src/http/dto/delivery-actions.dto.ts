import { DECIMAL, GeoPointDto, IsTimestamp, Nested, NO_NUL, ONEC_ID, PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { Acknowledgement, StatusChange } from '../../application/deliveries.service';
import { FAILURE_REASONS, type FailureReason } from '../../domain/delivery-lines';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../domain/delivery-status';
import { MAX_ITEMS } from './delivery-content.dto';

const DECIMAL_MESSAGE = '$property must be a decimal string such as "1.500"';

export class DeliveryIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class DeliveredLineDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ example: '1.500' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  quantity!: string;
}

/** A status the courier reports; the courier's own statuses only (the rest are 1C's and the admin's). */
const COURIER_STATUSES = ['accepted', 'in_transit', 'delivered', 'partially_delivered', 'failed'] as const;
const STATUS_REQUEST_STATUSES = [...COURIER_STATUSES, 'new'] as const;

export class StatusChangeDto {
  @ApiProperty({
    enum: STATUS_REQUEST_STATUSES,
    description: 'The courier’s statuses; an admin may also correct a terminal state (with `correctionReason`).',
  })
  @IsIn(STATUS_REQUEST_STATUSES)
  status!: (typeof STATUS_REQUEST_STATUSES)[number];

  @ApiProperty({ format: 'date-time', description: 'When it happened at the door (the courier’s clock).' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @Nested(() => GeoPointDto)
  geo?: GeoPointDto;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MaxLength(1000)
  comment?: string;

  @ApiPropertyOptional({
    type: [DeliveredLineDto],
    description:
      'Outcomes: what was handed over per line. Lines left out count as handed over in full (for `failed`: as not at all).',
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS)
  @Nested(() => DeliveredLineDto, { each: true })
  delivered?: DeliveredLineDto[];

  @ApiPropertyOptional({ enum: FAILURE_REASONS, description: 'Required for `partially_delivered` and `failed`.' })
  @IsOptional()
  @IsIn(FAILURE_REASONS)
  failureReason?: FailureReason;

  @ApiPropertyOptional({
    example: '117.00',
    description: 'Outcomes: the cash collected; it must equal the delivered amount less the prepaid part.',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  cashCollected?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'An admin’s correction of a terminal state says why.' })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MinLength(1)
  @MaxLength(1000)
  correctionReason?: string;
}

export function toStatusChange(dto: StatusChangeDto): StatusChange {
  return {
    status: dto.status,
    occurredAt: new Date(dto.occurredAt),
    comment: dto.comment ?? null,
    geo: dto.geo ? { latitude: dto.geo.latitude, longitude: dto.geo.longitude } : null,
    delivered: dto.delivered?.map((line) => ({ lineNo: line.lineNo, quantity: line.quantity })),
    failureReason: dto.failureReason,
    cashCollected: dto.cashCollected,
    correctionReason: dto.correctionReason,
  };
}

export class AcknowledgementDto implements Acknowledgement {
  @ApiProperty({ description: 'The number of the document 1C posted for the outcome.', example: 'УТ-000456' })
  @IsString()
  @Matches(NO_NUL, { message: '$property must not contain a NUL character' })
  @MinLength(1)
  @MaxLength(50)
  documentNumber!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'documentDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'documentDate must be a calendar date' })
  documentDate!: string;
}

export class DeliveryListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ description: 'A courier’s 1C id; a courier token sees its own deliveries only.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courier must be a 1C id' })
  courier?: string;

  @ApiPropertyOptional({ description: 'The customer’s 1C id.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'counterparty must be a 1C id' })
  counterparty?: string;

  @ApiPropertyOptional({ description: 'The 1C document’s id (`Ссылка`).' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'document must be a 1C id' })
  document?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only outcomes 1C has not acknowledged for longer than `DELIVERIES_ACK_OVERDUE_MINUTES` (their ' +
      'confirmations are re-sent meanwhile).',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsTimestamp()
  created_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional()
  @IsTimestamp()
  created_to?: string;
}
