import type { Delivery } from './delivery';

/** The entity kind deliveries are registered under with the Bitrix24 connector (the mapping file's key). */
export const DELIVERY_BOARD_KIND = 'delivery';

/**
 * What the courier sees of a delivery on its Bitrix24 board, in our field names: the mapping file decides which
 * reach the smart-process item and under which codes (`responsible` → `assignedById`, the others to `ufCrm…`
 * fields). `cashCollected` and `failureReason` are also what the courier fills in before moving the item to an
 * outcome stage; we write back what the middleware holds.
 */
export function boardFieldsOf(delivery: Delivery, courierPortalUser: string | null): Record<string, unknown> {
  return {
    title: `${delivery.document.number}: ${delivery.address}`,
    onecDocument: `${delivery.document.number} (${delivery.document.date})`,
    address: delivery.address,
    windowFrom: delivery.windowFrom?.toISOString() ?? null,
    windowTo: delivery.windowTo?.toISOString() ?? null,
    contactName: delivery.contactName,
    contactPhone: delivery.contactPhone,
    amount: delivery.total,
    cashOnDelivery: delivery.cashOnDelivery,
    comment: delivery.comment,
    responsible: courierPortalUser,
    cashCollected: delivery.outcome?.cashCollected ?? null,
    failureReason: delivery.outcome?.failureReason ?? null,
  };
}
