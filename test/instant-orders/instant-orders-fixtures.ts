import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { DocumentRecord } from '@app/onec';
import { parseCommerceMl } from '../../libs/connectors/onec/src/commerceml';
import { onecFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import { guid, JUICE, JUICE_1L, VAN_A, VAN_B, WATER } from '../deliveries/deliveries-fixtures';

export {
  ACME,
  CLOSED_SHOP,
  COURIER_A,
  COURIER_B,
  GONE,
  guid,
  JUICE,
  JUICE_1L,
  VAN_A,
  WATER,
} from '../deliveries/deliveries-fixtures';

export const RETAIL = guid(40);
export const WHOLESALE = guid(41);
export const KG = '166';
export const CHEESE = guid(5);
/** One unit of it in courier A's van: the last one two orders fight over. */
export const LAST_ONE = guid(6);

export interface OrderBody {
  id: string;
  number: string;
  status: string;
  courierId: string;
  version: number;
  total: string;
  vatTotal: string;
  items: { productId: string; quantity: string; amount: string; vatAmount: string; discount: string | null }[];
  onec: { outcome: string; documentNumber: string | null; reason: string | null } | null;
  history?: { action: string; from: string | null; to: string | null; source: string }[];
}

/**
 * Prices, stock and a product sold by weight on top of the deliveries' master data: water 49.90 (22 %), juice 1 l
 * 312.50 (10 %, the variant priced through its product), cheese 899.00 per kg (10 %), the last unit 100.00; courier
 * A's van holds 10 water, 3 juice, 2.5 kg cheese and 1 last unit; courier B's van 5 water.
 */
export async function seedSaleTerms(harness: MasterDataHarness): Promise<void> {
  const setup: [string, unknown[]][] = [
    ['units', [{ id: KG, version: 1, code: KG, name: 'кг' }]],
    [
      'price-types',
      [
        { id: RETAIL, version: 1, name: 'Розничная', currency: 'RUB' },
        { id: WHOLESALE, version: 1, name: 'Оптовая', currency: 'RUB' },
      ],
    ],
    [
      'products',
      [
        { id: CHEESE, version: 1, name: 'Сыр весовой', unitId: KG, vatRate: '10' },
        { id: LAST_ONE, version: 1, name: 'Последний', unitId: '796', vatRate: '22' },
      ],
    ],
    [
      'prices',
      [
        { productId: WATER, priceTypeId: RETAIL, price: '49.90', version: 1 },
        { productId: JUICE, priceTypeId: RETAIL, price: '312.50', version: 1 },
        { productId: CHEESE, priceTypeId: RETAIL, price: '899.00', version: 1 },
        { productId: LAST_ONE, priceTypeId: RETAIL, price: '100.00', version: 1 },
        { productId: WATER, priceTypeId: WHOLESALE, price: '39.90', version: 1 },
      ],
    ],
    [
      'stock',
      [
        { productId: WATER, warehouseId: VAN_A, quantity: '10', version: 1 },
        { productId: JUICE_1L, warehouseId: VAN_A, quantity: '3', version: 1 },
        { productId: CHEESE, warehouseId: VAN_A, quantity: '2.5', version: 1 },
        { productId: LAST_ONE, warehouseId: VAN_A, quantity: '1', version: 1 },
        { productId: WATER, warehouseId: VAN_B, quantity: '5', version: 1 },
      ],
    ],
  ];
  for (const [kind, items] of setup) {
    const answer = await harness.call('PUT', `/api/v1/master-data/${kind}`, {
      role: '1c',
      body: { items },
      idempotencyKey: randomUUID(),
    });
    expect({ kind, status: answer.status, body: answer.body }).toMatchObject({ kind, status: 200 });
  }
}

/** Two waters at the retail price: 99.80, of which VAT 22 % 18.00 (99.80 × 22 / 122 = 17.997 → 18.00). */
export function sale(overrides: Record<string, unknown> = {}) {
  return {
    buyer: { counterpartyId: guid(30) },
    priceTypeId: RETAIL,
    payment: 'cash',
    items: [{ productId: WATER, quantity: '2', price: '49.90', amount: '99.80' }],
    total: '99.80',
    soldAt: '2026-12-05T12:30:00+03:00',
    geo: { latitude: '55.751244', longitude: '37.618423' },
    ...overrides,
  };
}

/** Calls to the instant orders API as one role (a courier token for `courierId`), each with a fresh key. */
export function ordersAs(harness: () => MasterDataHarness, role: '1c' | 'admin' | 'courier', courierId?: string) {
  return {
    post: (path: string, body?: unknown, key: string = randomUUID()) =>
      harness().call('POST', `/api/v1/instant-orders${path}`, { role, courierId, body, idempotencyKey: key }),
    put: (path: string, body: unknown, key: string = randomUUID()) =>
      harness().call('PUT', `/api/v1/instant-orders${path}`, { role, courierId, body, idempotencyKey: key }),
    get: (path: string) => harness().call('GET', `/api/v1/instant-orders${path}`, { role, courierId }),
  };
}

/**
 * A real УТ 11 `sale/file` (CommerceML 2.08) posting one of our documents: `Проведен`, `Номер по 1С` СА-013838,
 * about our order (or, with `operation`, our return).
 */
export function postedByOneC(id: string, operation = 'Заказ товара'): { name: string; data: Buffer } {
  const real = readFileSync(onecFixture('ok/sale-file-from-1c-2.08/orders.xml'), 'utf8');
  return {
    name: 'documents.xml',
    data: Buffer.from(
      real
        .replace('<Ид>24c82d03-7149-11eb-80c0-7085c2ddb497</Ид>', `<Ид>${id}</Ид>`)
        .replace('<ХозОперация>Заказ товара</ХозОперация>', `<ХозОперация>${operation}</ХозОперация>`),
      'utf8',
    ),
  };
}

/** The documents of a CommerceML file the middleware wrote (a `sale/query` answer). */
export async function documentsOf(bytes: Buffer): Promise<DocumentRecord[]> {
  const documents: DocumentRecord[] = [];
  await parseCommerceMl(Readable.from([bytes]), {
    onBatch: (records) => {
      documents.push(...records.filter((record): record is DocumentRecord => record.kind === 'document'));
      return Promise.resolve();
    },
  });
  return documents;
}
