import type { Return } from '../domain/return';
import type { ReturnEntity } from './return.entity';

/** `RT-000042`: short enough to say on the phone, and 1C's `Номер` of the return. */
export const returnNumber = (numberSeq: string) => `RT-${numberSeq.padStart(6, '0')}`;

const date = (value: Date | string) => new Date(value);

export function toReturn(row: ReturnEntity): Return {
  return {
    id: row.id,
    number: returnNumber(String(row.numberSeq)),
    courierId: row.courierId,
    sale: row.sale,
    items: row.items,
    refundTotal: row.refundTotal,
    comment: row.comment,
    bitrixId: row.bitrixId,
    status: row.status,
    approvedBy: row.approvedBy as Return['approvedBy'],
    rejectionReason: row.rejectionReason,
    pickup: row.pickup === null ? null : { ...row.pickup, occurredAt: date(row.pickup.occurredAt) },
    receipt: row.receipt === null ? null : { ...row.receipt, occurredAt: date(row.receipt.occurredAt) },
    onec: row.onec === null ? null : { ...row.onec, receivedAt: date(row.onec.receivedAt) },
    refundSettlement:
      row.refundSettlement === null ? null : { ...row.refundSettlement, postedAt: date(row.refundSettlement.postedAt) },
    version: row.version,
    exportedVersion: row.exportedVersion,
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

/** The row of a return; `numberSeq` is the database's to give. */
export function toEntity(entry: Omit<Return, 'number'>): Omit<ReturnEntity, 'numberSeq'> {
  return {
    id: entry.id,
    courierId: entry.courierId,
    saleKind: entry.sale.kind,
    saleId: entry.sale.id,
    counterpartyId: entry.sale.counterpartyId,
    sale: entry.sale,
    items: [...entry.items],
    refundTotal: entry.refundTotal,
    cashRefund: entry.pickup?.cashRefund ?? null,
    comment: entry.comment,
    bitrixId: entry.bitrixId,
    status: entry.status,
    approvedBy: entry.approvedBy,
    rejectionReason: entry.rejectionReason,
    pickup: entry.pickup,
    receipt: entry.receipt,
    onec: entry.onec,
    refundSettlement: entry.refundSettlement,
    version: entry.version,
    exportedVersion: entry.exportedVersion,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
