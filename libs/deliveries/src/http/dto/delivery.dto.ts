import { GeoPointDto } from '@app/core';
import { AuditHistoryEntryDto } from '@app/audit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Delivery } from '../../domain/delivery';
import { FAILURE_REASONS } from '../../domain/delivery-lines';
import { DELIVERY_STATUSES } from '../../domain/delivery-status';
import { DeliveryDocumentDto, DeliveryItemDto, DeliveryTotalsDto } from './delivery-content.dto';

export class DeliveredLineResultDto {
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty({ example: '1.500' }) quantity!: string;
  @ApiProperty({ example: '74.85' }) amount!: string;
}

export class DeliveryOutcomeDto {
  @ApiProperty({ enum: ['delivered', 'partially_delivered', 'failed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: [DeliveredLineResultDto] }) delivered!: DeliveredLineResultDto[];
  @ApiProperty({ example: '177.93' }) deliveredAmount!: string;
  @ApiProperty({ example: '77.93' }) cashCollected!: string;
  @ApiProperty({ enum: FAILURE_REASONS, nullable: true }) failureReason!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) comment!: string | null;
  @ApiProperty({ nullable: true, type: GeoPointDto }) geo!: GeoPointDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) courierId!: string | null;
}

export class OnecAcknowledgementDto {
  @ApiProperty() documentNumber!: string;
  @ApiProperty({ format: 'date' }) documentDate!: string;
  @ApiProperty({ format: 'date-time' }) acknowledgedAt!: string;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty({ type: DeliveryDocumentDto }) document!: DeliveryDocumentDto;
  @ApiProperty() counterpartyId!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ nullable: true, type: GeoPointDto }) geo!: GeoPointDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) contactName!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) contactPhone!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) windowFrom!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) windowTo!: string | null;
  @ApiProperty() warehouseId!: string;
  @ApiProperty({ nullable: true, type: 'string' }) courierId!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) comment!: string | null;
  @ApiProperty({ type: [DeliveryItemDto] }) items!: DeliveryItemDto[];
  @ApiProperty({ type: DeliveryTotalsDto }) totals!: DeliveryTotalsDto;
  @ApiProperty({ nullable: true, type: DeliveryOutcomeDto }) outcome!: DeliveryOutcomeDto | null;
  @ApiProperty({ nullable: true, type: OnecAcknowledgementDto }) onecAcknowledgement!: OnecAcknowledgementDto | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'uuid', description: 'The courier’s run that carries it.' })
  tripId!: string | null;
  @ApiProperty({ type: 'integer', description: 'Counts the changes of the delivery.' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class DeliveryWithHistoryDto extends DeliveryDto {
  @ApiProperty({ type: [AuditHistoryEntryDto], description: 'Every change, oldest first.' })
  history!: AuditHistoryEntryDto[];
}

export function toDeliveryDto(delivery: Delivery): DeliveryDto {
  return {
    id: delivery.id,
    status: delivery.status,
    document: { ...delivery.document },
    counterpartyId: delivery.counterpartyId,
    address: delivery.address,
    geo:
      delivery.latitude !== null && delivery.longitude !== null
        ? { latitude: delivery.latitude, longitude: delivery.longitude }
        : null,
    contactName: delivery.contactName,
    contactPhone: delivery.contactPhone,
    windowFrom: delivery.windowFrom?.toISOString() ?? null,
    windowTo: delivery.windowTo?.toISOString() ?? null,
    warehouseId: delivery.warehouseId,
    courierId: delivery.courierId,
    comment: delivery.comment,
    items: delivery.items.map((item) => ({ ...item })),
    totals: { total: delivery.total, cashOnDelivery: delivery.cashOnDelivery },
    outcome: delivery.outcome
      ? { ...delivery.outcome, delivered: delivery.outcome.delivered.map((line) => ({ ...line })) }
      : null,
    onecAcknowledgement: delivery.onecAcknowledgement,
    tripId: delivery.tripId,
    version: delivery.version,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
  };
}
