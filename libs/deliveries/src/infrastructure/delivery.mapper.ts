import type { Delivery } from '../domain/delivery';
import type { DeliveryEntity } from './delivery.entity';

/** `numeric` comes back from pg as a string in its column's scale; the domain keeps the same strings. */
export function toDelivery(row: DeliveryEntity): Delivery {
  return {
    id: row.id,
    document: {
      type: row.documentType as Delivery['document']['type'],
      number: row.documentNumber,
      date: row.documentDate,
      onecId: row.onecDocumentId,
    },
    counterpartyId: row.counterpartyId,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    windowFrom: row.windowFrom,
    windowTo: row.windowTo,
    warehouseId: row.warehouseId,
    courierId: row.courierId,
    comment: row.comment,
    items: row.items,
    total: row.total,
    cashOnDelivery: row.cashOnDelivery,
    status: row.status,
    outcome: row.outcome,
    onecAcknowledgement: row.onecAcknowledgement,
    confirmationSentAt: row.confirmationSentAt,
    confirmationsSent: row.confirmationsSent,
    tripId: row.tripId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toEntity(delivery: Delivery): DeliveryEntity {
  return {
    id: delivery.id,
    onecDocumentId: delivery.document.onecId,
    documentType: delivery.document.type,
    documentNumber: delivery.document.number,
    documentDate: delivery.document.date,
    counterpartyId: delivery.counterpartyId,
    address: delivery.address,
    latitude: delivery.latitude,
    longitude: delivery.longitude,
    contactName: delivery.contactName,
    contactPhone: delivery.contactPhone,
    windowFrom: delivery.windowFrom,
    windowTo: delivery.windowTo,
    warehouseId: delivery.warehouseId,
    courierId: delivery.courierId,
    comment: delivery.comment,
    items: [...delivery.items],
    total: delivery.total,
    cashOnDelivery: delivery.cashOnDelivery,
    status: delivery.status,
    outcome: delivery.outcome,
    outcomeStatus: delivery.outcome?.status ?? null,
    outcomeAt: delivery.outcome === null ? null : new Date(delivery.outcome.occurredAt),
    onecAcknowledgement: delivery.onecAcknowledgement,
    confirmationSentAt: delivery.confirmationSentAt,
    confirmationsSent: delivery.confirmationsSent,
    tripId: delivery.tripId,
    version: delivery.version,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}
