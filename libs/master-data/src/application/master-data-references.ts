import { Injectable } from '@nestjs/common';
import type { MasterDataKind } from '../domain/master-data-kind';
import { MirrorStore } from './ports/mirror-store.port';

/** A reference a document of another domain makes to the mirror, and where in that document it sits. */
export interface MirrorReference {
  readonly kind: MasterDataKind;
  readonly onecId: string;
  /** The referencing field (`items.0.productId`), for the answer that names it. */
  readonly path: string;
}

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
        const unit = await this.store.get('units', unitId);
        // Without a unit catalogue 1C's unit id is the OKEI code itself.
        unitCodes.set(
          unitId,
          unit ? ((unit.data as { code: string | null }).code ?? null) : /^\d{1,4}$/.test(unitId) ? unitId : null,
        );
      }
      labels.set(onecId, { name, unitCode: unitId === null ? null : (unitCodes.get(unitId) ?? null) });
    }
    return labels;
  }
}
