import type { InstantOrder } from '../domain/instant-order';
import type { InstantOrderEntity } from './instant-order.entity';

/** `IO-000123`: short enough to say on the phone, and 1C's `Номер` of the order. */
export const orderNumber = (numberSeq: string) => `IO-${numberSeq.padStart(6, '0')}`;

export function toInstantOrder(row: InstantOrderEntity): InstantOrder {
  return {
    id: row.id,
    number: orderNumber(String(row.numberSeq)),
    courierId: row.courierId,
    buyer: row.buyer,
    deliveryId: row.deliveryId,
    priceTypeId: row.priceTypeId,
    warehouseId: row.warehouseId,
    payment: row.payment as InstantOrder['payment'],
    items: row.items,
    total: row.total,
    vatTotal: row.vatTotal,
    discountReason: row.discountReason as InstantOrder['discountReason'],
    soldAt: new Date(row.soldAt),
    geo: row.latitude === null || row.longitude === null ? null : { latitude: row.latitude, longitude: row.longitude },
    comment: row.comment,
    status: row.status,
    source: row.source as InstantOrder['source'],
    bitrixId: row.bitrixId,
    onec: row.onec === null ? null : { ...row.onec, receivedAt: new Date(row.onec.receivedAt) },
    cancelReason: row.cancelReason,
    version: row.version,
    exportedVersion: row.exportedVersion,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/** The row of an order; `numberSeq` is the database's to give. */
export function toEntity(order: Omit<InstantOrder, 'number'>): Omit<InstantOrderEntity, 'numberSeq'> {
  return {
    id: order.id,
    courierId: order.courierId,
    counterpartyId: order.buyer.kind === 'known' ? order.buyer.counterpartyId : null,
    buyer: order.buyer,
    deliveryId: order.deliveryId,
    priceTypeId: order.priceTypeId,
    warehouseId: order.warehouseId,
    payment: order.payment,
    items: [...order.items],
    total: order.total,
    vatTotal: order.vatTotal,
    discountReason: order.discountReason,
    soldAt: order.soldAt,
    latitude: order.geo?.latitude ?? null,
    longitude: order.geo?.longitude ?? null,
    comment: order.comment,
    status: order.status,
    source: order.source,
    bitrixId: order.bitrixId,
    onec: order.onec,
    cancelReason: order.cancelReason,
    version: order.version,
    exportedVersion: order.exportedVersion,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
