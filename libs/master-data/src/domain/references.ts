import type { MasterDataKind } from './master-data-kind';
import type { KindData } from './mirror-records';

/** One reference a record makes to a row of another kind, with the field path that names it. */
export interface Reference {
  readonly path: string;
  readonly kind: MasterDataKind;
  readonly onecId: string;
}

/**
 * The references a record must resolve before it is applied. Left out on purpose: a variant's product and a price's
 * or stock level's offer (1C-Bitrix packages send offers before goods; the rows are kept and the product shows them
 * once it arrives), and property values (1C declares properties per group and adds new ones without notice).
 */
export function referencesOf<K extends MasterDataKind>(kind: K, data: KindData[K]): Reference[] {
  switch (kind) {
    case 'product-groups': {
      const group = data as KindData['product-groups'];
      return group.parentId === null ? [] : [{ path: 'parentId', kind: 'product-groups', onecId: group.parentId }];
    }
    case 'products': {
      const product = data as KindData['products'];
      return [
        ...(product.unitId === null ? [] : [{ path: 'unitId', kind: 'units' as const, onecId: product.unitId }]),
        ...product.groupIds.map((onecId, index) => ({
          path: `groupIds.${index}`,
          kind: 'product-groups' as const,
          onecId,
        })),
      ];
    }
    case 'prices': {
      const price = data as KindData['prices'];
      return [{ path: 'priceTypeId', kind: 'price-types', onecId: price.priceTypeId }];
    }
    case 'stock': {
      const stock = data as KindData['stock'];
      return stock.warehouseId === null ? [] : [{ path: 'warehouseId', kind: 'warehouses', onecId: stock.warehouseId }];
    }
    case 'couriers': {
      const courier = data as KindData['couriers'];
      return [
        ...(courier.warehouseId === null
          ? []
          : [{ path: 'warehouseId', kind: 'warehouses' as const, onecId: courier.warehouseId }]),
        ...(courier.cashDeskId === null
          ? []
          : [{ path: 'cashDeskId', kind: 'cash-desks' as const, onecId: courier.cashDeskId }]),
      ];
    }
    case 'units':
    case 'properties':
    case 'price-types':
    case 'warehouses':
    case 'counterparties':
    case 'cash-desks':
      return [];
  }
}
