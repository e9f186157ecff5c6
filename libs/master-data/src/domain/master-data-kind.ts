/** The eleven kinds the mirror holds, by their URL names (`/api/v1/master-data/{kind}`). */
export const MASTER_DATA_KINDS = [
  'products',
  'product-groups',
  'units',
  'properties',
  'price-types',
  'prices',
  'warehouses',
  'stock',
  'counterparties',
  'couriers',
  'cash-desks',
] as const;
export type MasterDataKind = (typeof MASTER_DATA_KINDS)[number];

export function isMasterDataKind(value: unknown): value is MasterDataKind {
  return typeof value === 'string' && (MASTER_DATA_KINDS as readonly string[]).includes(value);
}

/**
 * What a courier needs in the field: the goods it sells, their prices and stock, its customers, warehouses and
 * units. Couriers, cash desks and the classifier's internals are back-office data a courier token never reads.
 */
export const COURIER_READABLE_KINDS: readonly MasterDataKind[] = [
  'products',
  'prices',
  'stock',
  'counterparties',
  'warehouses',
  'units',
];

/**
 * Kinds whose rows are keyed by what they relate rather than by an `Ид` of their own (1C has none for a price or a
 * stock level): `<offer Ид>|<price type Ид>` and `<offer Ид>|<warehouse Ид>`.
 */
export const COMPOSITE_KEY_KINDS: readonly MasterDataKind[] = ['prices', 'stock'];
