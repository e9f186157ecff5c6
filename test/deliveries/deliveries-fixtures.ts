import { randomUUID } from 'node:crypto';
import {
  BOARD_CATEGORY,
  BOARD_TYPE,
  boardStageSeed,
  DELIVERY_STAGE_SEMANTICS,
  FakeOnecHttpService,
  STAGES,
} from '@app/testing';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';

export { BOARD_CATEGORY, BOARD_MAPPING, BOARD_TYPE, STAGES } from '@app/testing';

export const guid = (n: number) => `5d1c7a00-0000-4000-8000-${n.toString().padStart(12, '0')}`;
export const UNIT = '796';
export const WATER = guid(1);
export const JUICE = guid(2);
export const JUICE_1L = `${JUICE}#${guid(3)}`;
export const GONE = guid(4);
export const STORE = guid(10);
export const VAN_A = guid(11);
export const VAN_B = guid(12);
export const COURIER_A = guid(20);
export const COURIER_B = guid(21);
export const ACME = guid(30);
export const CLOSED_SHOP = guid(31);

export interface DeliveryBody {
  id: string;
  status: string;
  courierId: string | null;
  version: number;
  items: { lineNo: number; quantity: string; price: string; amount: string }[];
  totals: { total: string; cashOnDelivery: string };
  outcome: { status: string; deliveredAmount: string; cashCollected: string; delivered: unknown[] } | null;
  history?: {
    action: string;
    from: string | null;
    to: string | null;
    source: string;
    actorRole: string;
    requestId?: string | null;
  }[];
}
export interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** A shipment of 2 × water at 49.90 and 0.375 of juice at 312.50, 100.00 of it prepaid. */
export function shipment(n: number, overrides: Record<string, unknown> = {}) {
  return {
    document: { type: 'sales', number: `УТ-${n}`, date: '2026-12-05', onecId: guid(1000 + n) },
    counterpartyId: ACME,
    address: 'Москва, ул. Ленина, 1, кв. 5',
    geo: { latitude: '55.751244', longitude: '37.618423' },
    contactName: 'Анна',
    contactPhone: '+7 900 000-00-01',
    windowFrom: '2026-12-05T10:00:00+03:00',
    windowTo: '2026-12-05T14:00:00+03:00',
    warehouseId: STORE,
    courierId: COURIER_A,
    items: [
      { lineNo: 1, productId: WATER, quantity: '2', price: '49.9', vatRate: '22', amount: '99.80' },
      {
        lineNo: 2,
        productId: JUICE,
        characteristicId: JUICE_1L.split('#')[1],
        quantity: '0.375',
        price: '312.50',
        vatRate: '10',
        amount: '117.19',
      },
    ],
    totals: { total: '216.99', cashOnDelivery: '116.99' },
    ...overrides,
  };
}

/** The master data the deliveries name: units, warehouses, four products (one deleted), two couriers, customers. */
export async function seedMasterData(harness: MasterDataHarness): Promise<void> {
  const setup: [string, unknown[]][] = [
    ['units', [{ id: UNIT, version: 1, code: UNIT, name: 'шт' }]],
    ['warehouses', [STORE, VAN_A, VAN_B].map((id, i) => ({ id, version: 1, name: `Склад ${i}` }))],
    [
      'products',
      [
        { id: WATER, version: 1, name: 'Вода', unitId: UNIT, vatRate: '22' },
        { id: JUICE, version: 1, name: 'Сок', unitId: UNIT, vatRate: '10' },
        { id: JUICE_1L, version: 1, name: 'Сок, 1 л' },
        { id: GONE, version: 1, name: 'Снят с продажи' },
      ],
    ],
    [
      'couriers',
      [
        { id: COURIER_A, version: 1, name: 'Иванов', warehouseId: VAN_A, bitrixUserId: '17' },
        { id: COURIER_B, version: 1, name: 'Петров', warehouseId: VAN_B, bitrixUserId: '18' },
      ],
    ],
    [
      'counterparties',
      [
        { id: ACME, version: 1, type: 'organization', name: 'ООО «Ромашка»', inn: '7707083893' },
        { id: CLOSED_SHOP, version: 1, type: 'organization', name: 'ООО «Закрыто»' },
      ],
    ],
  ];
  for (const [kind, items] of setup) {
    const answer = await harness.call('PUT', `/api/v1/master-data/${kind}`, {
      role: '1c',
      body: { items },
      idempotencyKey: randomUUID(),
    });
    expect({ kind, counts: (answer.body as { counts: Record<string, number> }).counts }).toMatchObject({
      kind,
      counts: { created: items.length },
    });
  }
  for (const [kind, id] of [
    ['products', GONE],
    ['counterparties', CLOSED_SHOP],
  ]) {
    expect((await harness.call('DELETE', `/api/v1/master-data/${kind}/${id}`, { role: '1c' })).status).toBe(200);
  }
}

/**
 * Calls to the deliveries API as one role (a courier token for `courierId`), each with a fresh Idempotency-Key.
 * `harness` is asked at each call: the callers are set up before the suite's harness starts.
 */
export function deliveriesAs(harness: () => MasterDataHarness, role: '1c' | 'admin' | 'courier', courierId?: string) {
  return {
    post: (path: string, body?: unknown, key: string = randomUUID()) =>
      harness().call('POST', `/api/v1/deliveries${path}`, { role, courierId, body, idempotencyKey: key }),
    put: (path: string, body: unknown, key: string = randomUUID()) =>
      harness().call('PUT', `/api/v1/deliveries${path}`, { role, courierId, body, idempotencyKey: key }),
    get: (path: string) => harness().call('GET', `/api/v1/deliveries${path}`, { role, courierId }),
  };
}

/**
 * The apps with seeded master data, pushing to a fake 1C HTTP service; the relay polls often so pushes arrive fast,
 * and re-sends wait for the test (it runs the job itself, against times it sets).
 */
export async function startWithFakeOnec(
  env: Record<string, string> = {},
): Promise<{ harness: MasterDataHarness; onec: FakeOnecHttpService }> {
  const onec = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
  const harness = await startMasterDataHarness({
    env: {
      ONEC_HTTP_BASE_URL: onec.url,
      ONEC_HTTP_LOGIN: 'middleware',
      ONEC_HTTP_PASSWORD: 'hs-password',
      EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      DELIVERIES_RESEND_CHECK_MINUTES: '0',
      ...env,
    },
  });
  await seedMasterData(harness);
  return { harness, onec };
}

/** Puts the courier's board in the portal: its stages, with Bitrix24's success and failure marks. */
export function seedBoardStages(harness: MasterDataHarness): void {
  harness.fake.seed(
    boardStageSeed({ entityTypeId: BOARD_TYPE, categoryId: BOARD_CATEGORY, stages: STAGES }, DELIVERY_STAGE_SEMANTICS),
  );
}
