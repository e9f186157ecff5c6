import { AuditHistoryEntryDto } from '@app/audit';
import { GeoPointDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DISCOUNT_REASONS, type InstantOrder, PAYMENT_METHODS } from '../../domain/instant-order';
import { INSTANT_ORDER_STATUSES } from '../../domain/instant-order-status';

export class InstantOrderLineDto {
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty() productId!: string;
  @ApiProperty({ nullable: true, type: 'string' }) characteristicId!: string | null;
  @ApiProperty({ description: "The mirror's name at the time of the sale." }) name!: string;
  @ApiProperty({ nullable: true, type: 'string', description: 'OKEI code.' }) unitCode!: string | null;
  @ApiProperty({ example: '1.250' }) quantity!: string;
  @ApiProperty({ example: '149.90' }) price!: string;
  @ApiProperty({ nullable: true, type: 'string', example: '10.00' }) discount!: string | null;
  @ApiProperty({ example: '177.38' }) amount!: string;
  @ApiProperty({ nullable: true, type: 'string', example: '22' }) vatRate!: string | null;
  @ApiProperty({ example: '31.99', description: 'VAT included in the amount.' }) vatAmount!: string;
}

export class InstantOrderBuyerDto {
  @ApiProperty({ enum: ['known', 'new'] }) kind!: string;
  @ApiPropertyOptional() counterpartyId?: string;
  @ApiPropertyOptional({ description: 'A new person’s id as 1C gets it (a draft counterparty).' }) draftId?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() phone?: string;
}

export class OnecPostingDto {
  @ApiProperty({ enum: ['posted', 'rejected'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: 'string' }) documentNumber!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date' }) documentDate!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class InstantOrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'IO-000123', description: "Ours, and 1C's `Номер` of the order." }) number!: string;
  @ApiProperty({ enum: INSTANT_ORDER_STATUSES }) status!: string;
  @ApiProperty() courierId!: string;
  @ApiProperty({ type: InstantOrderBuyerDto }) buyer!: InstantOrderBuyerDto;
  @ApiProperty({ nullable: true, type: 'string', format: 'uuid' }) deliveryId!: string | null;
  @ApiProperty() priceTypeId!: string;
  @ApiProperty({ description: "The courier's own warehouse, whose stock the order holds." }) warehouseId!: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) payment!: string;
  @ApiProperty({ type: [InstantOrderLineDto] }) items!: InstantOrderLineDto[];
  @ApiProperty({ example: '327.28' }) total!: string;
  @ApiProperty({ example: '59.02' }) vatTotal!: string;
  @ApiProperty({ nullable: true, type: 'string', enum: DISCOUNT_REASONS }) discountReason!: string | null;
  @ApiProperty({ format: 'date-time' }) soldAt!: string;
  @ApiProperty({ nullable: true, type: GeoPointDto }) geo!: GeoPointDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) comment!: string | null;
  @ApiProperty({ enum: ['rest', 'bitrix24'] }) source!: string;
  @ApiProperty({ nullable: true, type: OnecPostingDto }) onec!: OnecPostingDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) cancelReason!: string | null;
  @ApiProperty({ type: 'integer', description: 'Counts the changes of the order.' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class InstantOrderPageDto {
  @ApiProperty({ type: [InstantOrderDto] }) items!: InstantOrderDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class InstantOrderWithHistoryDto extends InstantOrderDto {
  @ApiProperty({ type: [AuditHistoryEntryDto], description: 'Every change, oldest first.' })
  history!: AuditHistoryEntryDto[];
}

export function toInstantOrderDto(order: InstantOrder): InstantOrderDto {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    courierId: order.courierId,
    buyer: { ...order.buyer },
    deliveryId: order.deliveryId,
    priceTypeId: order.priceTypeId,
    warehouseId: order.warehouseId,
    payment: order.payment,
    items: order.items.map((line) => ({ ...line })),
    total: order.total,
    vatTotal: order.vatTotal,
    discountReason: order.discountReason,
    soldAt: order.soldAt.toISOString(),
    geo: order.geo,
    comment: order.comment,
    source: order.source,
    onec: order.onec ? { ...order.onec, receivedAt: order.onec.receivedAt.toISOString() } : null,
    cancelReason: order.cancelReason,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
