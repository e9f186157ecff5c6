import { Injectable } from '@nestjs/common';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { CourierData, MirrorRow, PriceData, ProductData, StockData } from '../domain/mirror-records';
import { compositeKey, splitOfferId } from '../domain/onec-id';
import type { VatRate } from '../domain/vat-rate';
import { MirrorStore } from './ports/mirror-store.port';

/** A reference a document of another domain makes to the mirror, and where in that document it sits. */
export interface MirrorReference {
  readonly kind: MasterDataKind;
  readonly onecId: string;
  /** The referencing field (`items.0.productId`), for the answer that names it. */
  readonly path: string;
}

/** What a sale of one offer (a product or `<product>#<characteristic>`) may use, as the mirror holds it now. */
export interface OfferTerms {
  readonly offerId: string;
  readonly name: string;
  /** OKEI code of the unit (`796` pieces, `166` kilograms); null when the mirror knows none. */
  readonly unitCode: string | null;
  readonly vatRate: VatRate | null;
  /** The price of the price type, the variant's own or else its product's; null when 1C sent none. */
  readonly price: string | null;
  readonly currency: string | null;
  /** The stock at the warehouse, null when 1C sent no level there (nothing to sell). */
  readonly stock: string | null;
  /** When the mirror last changed that stock level: sales posted after it are not in it yet. */
  readonly stockChangedAt: Date | null;
}

const isUsable = (row: MirrorRow | undefined, onecId: string): row is MirrorRow =>
  row !== undefined && row.onecId === onecId && !row.deleted && !row.deactivated;

/**
 * What other domains validate their documents against: a delivery, an order or a cash document may only name
 * products, counterparties, warehouses, couriers and cash desks the mirror holds in use.
 */
@Injectable()
export class MasterDataReferences {
  constructor(private readonly store: MirrorStore) {}

  /** The references the mirror does not hold, or holds marked deleted or left out of 1C's last full snapshot. */
  async unusable(references: readonly MirrorReference[]): Promise<MirrorReference[]> {
    const byKind = new Map<MasterDataKind, Set<string>>();
    for (const reference of references) {
      byKind.set(reference.kind, (byKind.get(reference.kind) ?? new Set()).add(reference.onecId));
    }
    const active = new Map<MasterDataKind, Set<string>>();
    for (const [kind, ids] of byKind) {
      active.set(kind, await this.store.active(kind, [...ids]));
    }
    return references.filter((reference) => !active.get(reference.kind)!.has(reference.onecId));
  }

  /** The portal user of a courier: as 1C sent it, or as the Bitrix24 link found it by our id; null if neither. */
  async portalUserOf(courierOnecId: string): Promise<string | null> {
    const row = await this.store.get('couriers', courierOnecId);
    if (!row || row.onecId !== courierOnecId) {
      return null;
    }
    return (row.data as { bitrixUserId: string | null }).bitrixUserId ?? row.bitrixId;
  }

  /**
   * How documents show their products: the mirror's name (a variant's own, which names its characteristic) and the
   * unit's OKEI code; a product the mirror does not hold is left out.
   */
  async productLabels(onecIds: readonly string[]): Promise<Map<string, { name: string; unitCode: string | null }>> {
    const labels = new Map<string, { name: string; unitCode: string | null }>();
    const unitCodes = new Map<string, string | null>();
    for (const onecId of new Set(onecIds)) {
      const row = await this.store.get('products', onecId);
      if (!row || row.onecId !== onecId) {
        continue;
      }
      const { name, unitId } = row.data as { name: string; unitId: string | null };
      if (unitId !== null && !unitCodes.has(unitId)) {
        unitCodes.set(unitId, await this.unitCode(unitId));
      }
      labels.set(onecId, { name, unitCode: unitId === null ? null : (unitCodes.get(unitId) ?? null) });
    }
    return labels;
  }

  /** A courier's name, own warehouse and cash desk; undefined when the mirror holds no usable courier of that id. */
  async courier(onecId: string): Promise<Pick<CourierData, 'name' | 'warehouseId' | 'cashDeskId'> | undefined> {
    const row = await this.store.get('couriers', onecId);
    if (!isUsable(row, onecId)) {
      return undefined;
    }
    const { name, warehouseId, cashDeskId } = row.data as CourierData;
    return { name, warehouseId, cashDeskId };
  }

  /**
   * The courier a portal user is: as 1C sent it (`bitrixUserId`), or as the Bitrix24 link found it. Couriers are a
   * few hundred at most, so they are read in pages rather than indexed by a field of their content.
   */
  async courierOfPortalUser(portalUserId: string): Promise<string | undefined> {
    let after: { changeTx: string; id: string } | undefined;
    for (;;) {
      const page = await this.store.list('couriers', { limit: 500, includeDeleted: false, after });
      const found = page.find(
        ({ row }) => ((row.data as CourierData).bitrixUserId ?? row.bitrixId) === portalUserId && !row.deactivated,
      );
      if (found || page.length <= 500) {
        return found?.row.onecId;
      }
      after = page[499].position;
    }
  }

  /** The counterparty a Bitrix24 company or contact copies, by the portal's id; undefined when none in use does. */
  async counterpartyOfPortal(bitrixId: string): Promise<string | undefined> {
    const row = await this.store.byBitrixId('counterparties', bitrixId);
    return row && !row.deleted && !row.deactivated ? row.onecId : undefined;
  }

  /** A counterparty's name, for documents that show it; undefined when the mirror holds none in use of that id. */
  async counterpartyName(onecId: string): Promise<string | undefined> {
    const row = await this.usable('counterparties', onecId);
    return row ? (row.data as { name: string }).name : undefined;
  }

  /**
   * The terms of each offer that the mirror holds in use, for one price type and warehouse; an unknown, deleted or
   * deactivated offer is left out. A variant (`<product>#<characteristic>`) takes its product's unit, VAT rate and
   * price where 1C sent none of its own; its stock is its own only.
   */
  async saleTerms(
    offerIds: readonly string[],
    priceTypeId: string,
    warehouseId: string,
  ): Promise<Map<string, OfferTerms>> {
    const terms = new Map<string, OfferTerms>();
    for (const offerId of new Set(offerIds)) {
      const row = await this.store.get('products', offerId);
      if (!isUsable(row, offerId)) {
        continue;
      }
      const offer = row.data as ProductData;
      const { productId, characteristicId } = splitOfferId(offerId);
      const parentRow = characteristicId === null ? undefined : await this.store.get('products', productId);
      const parent = isUsable(parentRow, productId) ? (parentRow.data as ProductData) : undefined;
      const priceRow =
        (await this.usable('prices', compositeKey(offerId, priceTypeId))) ??
        (characteristicId === null ? undefined : await this.usable('prices', compositeKey(productId, priceTypeId)));
      const stockRow = await this.usable('stock', compositeKey(offerId, warehouseId));
      const unitId = offer.unitId ?? parent?.unitId ?? null;
      terms.set(offerId, {
        offerId,
        name: offer.name,
        unitCode: unitId === null ? null : await this.unitCode(unitId),
        vatRate: offer.vatRate ?? parent?.vatRate ?? null,
        price: priceRow ? (priceRow.data as PriceData).price : null,
        currency: priceRow ? (priceRow.data as PriceData).currency : null,
        stock: stockRow ? (stockRow.data as StockData).quantity : null,
        stockChangedAt: stockRow ? stockRow.updatedAt : null,
      });
    }
    return terms;
  }

  private async usable(kind: MasterDataKind, onecId: string): Promise<MirrorRow | undefined> {
    const row = await this.store.get(kind, onecId);
    return isUsable(row, onecId) ? row : undefined;
  }

  private async unitCode(unitId: string): Promise<string | null> {
    const unit = await this.store.get('units', unitId);
    // Without a unit catalogue 1C's unit id is the OKEI code itself.
    return unit ? ((unit.data as { code: string | null }).code ?? null) : /^\d{1,4}$/.test(unitId) ? unitId : null;
  }
}
