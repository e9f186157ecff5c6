import { Bitrix24Module, type Bitrix24EntityKind } from '@app/bitrix24';

/**
 * The entity kinds the test suites' Bitrix24 mappings use (test/bitrix24/bitrix24-harness.ts, the benchmark),
 * registered the way a domain lib registers its own. The connector knows no kind of its own and, until the domain
 * libs exist, nothing in production registers these: `npm start` ignores (and warns about) mapping entries for them.
 */
export const TEST_ENTITY_KINDS: readonly Bitrix24EntityKind[] = [
  { name: 'delivery', representation: 'smart_process' },
  { name: 'instant_order', representation: 'smart_process', productRows: true },
  { name: 'return', representation: 'smart_process', productRows: true },
  { name: 'company', representation: 'company' },
  { name: 'contact', representation: 'contact' },
  { name: 'product', representation: 'catalog_product' },
  { name: 'courier', representation: 'user' },
];

/** Imported into both apps by the in-process helper and the test worker process. */
export const Bitrix24TestKindsModule = Bitrix24Module.forFeature({ kinds: TEST_ENTITY_KINDS });
