import { randomUUID } from 'node:crypto';
import { COURIER_A, type DeliveryBody, deliveriesAs, guid, shipment, WATER } from '../deliveries/deliveries-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';

export const CASH_DESK = guid(50);

export interface CashDocumentBody {
  id: string;
  number: string;
  kind: string;
  operation: string;
  onecOperation: string;
  status: string;
  courierId: string;
  cashDeskId: string | null;
  amount: string;
  settles: { type: string; id: string; amount: string }[];
  advanceId: string | null;
  onec: { documentNumber: string; amount: string } | null;
  rejectionReason: string | null;
  version: number;
  history?: { action: string; from: string | null; to: string | null; source: string }[];
}

export interface CourierCashBody {
  courierId: string;
  name: string | null;
  cashOnHand: string;
  advances: string;
  oldestOpenCollectionAt: string | null;
  openCollections: { type: string; id: string; number: string; amount: string; expected: string }[];
  openAdvances: { document: CashDocumentBody; outstanding: string }[];
  pendingDocuments: CashDocumentBody[];
}

/** Calls to the cash documents' API as one role, each write with a fresh Idempotency-Key unless one is given. */
export function cashAs(harness: () => MasterDataHarness, role: '1c' | 'admin' | 'courier', courierId?: string) {
  const call = (method: string, path: string, body?: unknown, key: string = randomUUID()) =>
    harness().call(method, `/api/v1${path}`, {
      role,
      courierId,
      body,
      idempotencyKey: method === 'GET' ? undefined : key,
    });
  return {
    create: (body: unknown, key?: string) => call('POST', '/cash-documents', body, key),
    put: (id: string, body: unknown) => call('PUT', `/cash-documents/${id}`, body),
    post: (path: string, body: unknown = {}, key?: string) => call('POST', `/cash-documents${path}`, body, key),
    get: (path: string) => call('GET', path),
    cash: async (id: string) => (await call('GET', `/couriers/${id}/cash`)).body as CourierCashBody,
  };
}

/** A fiscal receipt of the courier's register for cash paid at the door, its VAT all at 22 % (tag 1199 = 11). */
export function receiptFor(vat: string, n = 1) {
  return {
    fiscalDriveNumber: '7380440700123456',
    documentNumber: String(n),
    fiscalSign: String(1_000_000_000 + n),
    printedAt: '2026-12-05T11:00:00+03:00',
    settlementMethod: 4,
    vat: [{ rateCode: 11, amount: vat }],
  };
}

/** A delivery of courier A with `cash` on delivery (one water at that price), taken through to delivered. */
export async function deliveredWithCash(
  harness: () => MasterDataHarness,
  n: number,
  cash: string,
): Promise<DeliveryBody> {
  const onecSide = deliveriesAs(harness, '1c');
  const courier = deliveriesAs(harness, 'courier', COURIER_A);
  const created = await onecSide.post(
    '',
    shipment(n, {
      items: [{ lineNo: 1, productId: WATER, quantity: '1', price: cash, vatRate: '22', amount: cash }],
      totals: { total: cash, cashOnDelivery: cash },
    }),
  );
  expect(created.status).toBe(201);
  const { id } = created.body as DeliveryBody;
  const at = { occurredAt: '2026-12-05T11:00:00+03:00' };
  expect((await courier.post(`/${id}/status`, { status: 'accepted', ...at })).status).toBe(200);
  expect((await courier.post(`/${id}/status`, { status: 'in_transit', ...at })).status).toBe(200);
  const delivered = await courier.post(`/${id}/status`, { status: 'delivered', cashCollected: cash, ...at });
  expect(delivered.status).toBe(200);
  return delivered.body as DeliveryBody;
}
