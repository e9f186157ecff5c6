import type { Bitrix24EntityKind } from '@app/bitrix24';

/**
 * How mirrored entities live in Bitrix24 (names used by the mapping file): products in the catalog, organisations
 * as companies, persons as contacts, couriers as portal users (linked, never written).
 */
export const MASTER_DATA_BITRIX24_KINDS: readonly Bitrix24EntityKind[] = [
  { name: 'product', representation: 'catalog_product' },
  { name: 'company', representation: 'company' },
  { name: 'contact', representation: 'contact' },
  { name: 'courier', representation: 'user' },
];
