import type { Delivery } from './delivery';

/** The entity kind deliveries are registered under with the Bitrix24 connector (the mapping file's key). */
export const DELIVERY_BOARD_KIND = 'delivery';

/**
 * What the courier sees of a delivery on its Bitrix24 board, in our field names: the mapping file decides which
 * reach the smart-process item and under which codes (`responsible` → `assignedById`, the others to `ufCrm…`
 * fields). `cashCollected` and `failureReason` are also what the courier fills in before moving the item to an
 * outcome stage; we write back what the middleware holds. `courierPortalUser` undefined leaves the item's
 * responsible as written (a status change cannot change the courier).
 */
export function boardFieldsOf(
  delivery: Delivery,
  courierPortalUser: string | null | undefined,
): Record<string, unknown> {
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

/** One line of the item in our terms (the connector's product row): decimals as strings, VAT included. */
export interface BoardRow {
  readonly productName: string;
  readonly price: string;
  readonly quantity: string;
  /** Percent; null for «Без НДС». */
  readonly taxRate: string | null;
  readonly taxIncluded: true;
  readonly measureCode?: string;
}

/**
 * The shipment's lines as the item's product rows. 1C's prices include VAT, so an included rate (`22/122`) is the
 * rate itself (`22`); «Без НДС» has none. A product master data cannot name is shown by its 1C id.
 */
export function boardRowsOf(
  delivery: Pick<Delivery, 'items'>,
  labels: ReadonlyMap<string, { readonly name: string; readonly unitCode: string | null }>,
): BoardRow[] {
  return delivery.items.map((item) => {
    const onecId = item.characteristicId === null ? item.productId : `${item.productId}#${item.characteristicId}`;
    const own = labels.get(onecId);
    const product = labels.get(item.productId);
    // A variant names its characteristic; its unit is its product's where 1C sent none of its own.
    const measureCode = own?.unitCode ?? product?.unitCode;
    return {
      productName: own?.name ?? product?.name ?? onecId,
      price: item.price,
      quantity: item.quantity,
      taxRate: item.vatRate === 'without' ? null : item.vatRate.split('/')[0],
      taxIncluded: true,
      ...(measureCode ? { measureCode } : {}),
    };
  });
}
