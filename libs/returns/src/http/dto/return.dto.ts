import { AuditHistoryEntryDto } from '@app/audit';
import { GeoPointDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RETURN_REASONS, type Return } from '../../domain/return';
import { RETURN_STATUSES } from '../../domain/return-status';
import { OriginalSaleRefDto } from './return-request.dto';

export class ReturnLineViewDto {
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty() productId!: string;
  @ApiProperty({ nullable: true, type: 'string' }) characteristicId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '1.000' }) quantity!: string;
  @ApiProperty({ enum: RETURN_REASONS }) reason!: string;
  @ApiProperty({ example: '49.90', description: 'The price of the original sale.' }) price!: string;
  @ApiProperty({ example: '49.90', description: 'Due back at the sale’s own amounts.' }) refund!: string;
  @ApiProperty({ nullable: true, type: 'string', description: 'Counted at the warehouse.' })
  receivedQuantity!: string | null;
}

export class PickupViewDto {
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ nullable: true, type: GeoPointDto }) geo!: GeoPointDto | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'Cash paid back: a disbursement to settle.' })
  cashRefund!: string | null;
}

export class ShortfallDto {
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty() expected!: string;
  @ApiProperty() received!: string;
}

export class ReceiptViewDto {
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: [ShortfallDto], description: 'Lines where less arrived than was taken back.' })
  shortfall!: ShortfallDto[];
}

export class RefundSettlementViewDto {
  @ApiProperty({ format: 'uuid', description: 'The disbursement (РКО) among the cash documents.' }) documentId!: string;
  @ApiProperty({ description: '1C’s number of the posted РКО.' }) documentNumber!: string;
  @ApiProperty({ format: 'date-time' }) postedAt!: string;
}

export class ReturnPostingViewDto {
  @ApiProperty() documentNumber!: string;
  @ApiProperty({ format: 'date' }) documentDate!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class ReturnDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'RT-000042' }) number!: string;
  @ApiProperty({ enum: RETURN_STATUSES }) status!: string;
  @ApiProperty() courierId!: string;
  @ApiProperty({ type: OriginalSaleRefDto }) sale!: OriginalSaleRefDto;
  @ApiProperty({ nullable: true, type: 'string' }) counterpartyId!: string | null;
  @ApiProperty({ type: [ReturnLineViewDto] }) items!: ReturnLineViewDto[];
  @ApiProperty({ example: '99.80' }) refundTotal!: string;
  @ApiProperty({ nullable: true, type: 'string' }) comment!: string | null;
  @ApiProperty({ nullable: true, type: 'string', enum: ['admin', 'rule'] }) approvedBy!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) rejectionReason!: string | null;
  @ApiProperty({ nullable: true, type: PickupViewDto }) pickup!: PickupViewDto | null;
  @ApiProperty({ nullable: true, type: ReceiptViewDto }) receipt!: ReceiptViewDto | null;
  @ApiProperty({ nullable: true, type: ReturnPostingViewDto }) onec!: ReturnPostingViewDto | null;
  @ApiProperty({
    nullable: true,
    type: RefundSettlementViewDto,
    description: 'The cash refund’s РКО once 1C posted it; a posted return with a cash refund closes then.',
  })
  refundSettlement!: RefundSettlementViewDto | null;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ReturnPageDto {
  @ApiProperty({ type: [ReturnDto] }) items!: ReturnDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class ReturnWithHistoryDto extends ReturnDto {
  @ApiProperty({ type: [AuditHistoryEntryDto], description: 'Every change, oldest first.' })
  history!: AuditHistoryEntryDto[];
}

export function toReturnDto(entry: Return): ReturnDto {
  return {
    id: entry.id,
    number: entry.number,
    status: entry.status,
    courierId: entry.courierId,
    sale: { kind: entry.sale.kind, id: entry.sale.id },
    counterpartyId: entry.sale.counterpartyId,
    items: entry.items.map((line) => ({
      lineNo: line.lineNo,
      productId: line.productId,
      characteristicId: line.characteristicId,
      name: line.name,
      quantity: line.quantity,
      reason: line.reason,
      price: line.price,
      refund: line.refund,
      receivedQuantity: line.receivedQuantity,
    })),
    refundTotal: entry.refundTotal,
    comment: entry.comment,
    approvedBy: entry.approvedBy,
    rejectionReason: entry.rejectionReason,
    pickup: entry.pickup ? { ...entry.pickup, occurredAt: entry.pickup.occurredAt.toISOString() } : null,
    receipt: entry.receipt
      ? { occurredAt: entry.receipt.occurredAt.toISOString(), shortfall: [...entry.receipt.shortfall] }
      : null,
    onec: entry.onec ? { ...entry.onec, receivedAt: entry.onec.receivedAt.toISOString() } : null,
    refundSettlement: entry.refundSettlement
      ? { ...entry.refundSettlement, postedAt: entry.refundSettlement.postedAt.toISOString() }
      : null,
    version: entry.version,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}
