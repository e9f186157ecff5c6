import { randomUUID } from 'node:crypto';
import { seedMasterData } from '../deliveries/deliveries-fixtures';
import {
  COURIER_A,
  type OrderBody,
  ordersAs,
  sale,
  seedSaleTerms,
  WATER,
} from '../instant-orders/instant-orders-fixtures';
import {
  MASTER_DATA_MAPPING,
  type MasterDataHarness,
  startMasterDataHarness,
} from '../master-data/master-data-harness';
import { boardStages, portalProductOf, seedBoardStages, settled } from '../support/portal-board';

const RETURN_TYPE = 1044;
const RETURN_CATEGORY = 16;
const STAGES = boardStages(RETURN_TYPE, RETURN_CATEGORY, {
  requested: 'NEW',
  approved: 'APPROVED',
  rejected: 'REJECTED',
  picked_up: 'PICKED',
  received: 'RECEIVED',
  posted: 'POSTED',
  closed: 'SUCCESS',
});
const MAPPING = {
  entities: {
    ...MASTER_DATA_MAPPING.entities,
    return: {
      entityTypeId: RETURN_TYPE,
      categoryId: RETURN_CATEGORY,
      fields: {
        title: 'title',
        responsible: 'assignedById',
        sale: 'ufCrm9_Sale',
        reason: 'ufCrm9_Reason',
        number: 'ufCrm9_Number',
        refund: 'ufCrm9_Refund',
        rejectionReason: 'ufCrm9_Rejection',
        onecNumber: 'ufCrm9_OnecNumber',
      },
      stages: STAGES,
    },
  },
};

interface Item {
  id: number;
  xmlId: string | null;
  stageId: string;
  ufCrm9_Number?: string;
  ufCrm9_Refund?: string;
  ufCrm9_Rejection?: string;
}
interface ReturnBody {
  id: string;
  number: string;
  status: string;
  refundTotal: string;
  items: { lineNo: number; quantity: string; reason: string }[];
}

describe('returns a courier starts in Bitrix24: checked against the sale, adopted, and moved by the courier', () => {
  let harness: MasterDataHarness;
  let waterInPortal: number;
  let order: OrderBody;
  const settle = () => settled(harness);
  const item = (id: number) =>
    harness.fake.items(RETURN_TYPE).find((candidate) => Number(candidate.id) === id) as unknown as Item;
  const returnsOfItem = (bitrixId: number) =>
    harness.query<{ id: string; status: string }>('SELECT id, status FROM returns WHERE bitrix_id = $1', [
      String(bitrixId),
    ]);
  const admin = (path: string) => harness.call('GET', `/api/v1/returns${path}`, { role: 'admin' });
  const start = (fields: Record<string, unknown>, quantity: string) =>
    Number(
      harness.fake.uiAddItem(
        RETURN_TYPE,
        { title: 'Возврат', categoryId: RETURN_CATEGORY, stageId: STAGES.requested, assignedById: 17, ...fields },
        {
          userId: 17,
          productRows: [{ productId: waterInPortal, productName: 'Вода', price: '49.9', quantity, measureCode: 796 }],
        },
      ).id,
    );

  beforeAll(async () => {
    harness = await startMasterDataHarness({
      mapping: MAPPING,
      smartProcesses: [{ entityTypeId: RETURN_TYPE, categories: [{ id: RETURN_CATEGORY }] }],
      outgoingEvents: ['ONCRMDYNAMICITEMADD', 'ONCRMDYNAMICITEMUPDATE'],
    });
    seedBoardStages(
      harness,
      { entityTypeId: RETURN_TYPE, categoryId: RETURN_CATEGORY, stages: STAGES },
      { success: ['closed'], failure: ['rejected'] },
    );
    await seedMasterData(harness);
    await seedSaleTerms(harness);
    waterInPortal = await portalProductOf(harness, WATER);
    order = (await ordersAs(() => harness, 'courier', COURIER_A).post('', sale())).body as OrderBody;
    await ordersAs(() => harness, '1c').post(`/${order.id}/ack`, {
      outcome: 'posted',
      documentNumber: 'УТ-1',
      documentDate: '2026-12-05',
    });
    await settle();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('turns the item into one return, however often its webhook arrives, and shows it on the item', async () => {
    const bitrixId = start({ ufCrm9_Sale: `instant_order:${order.id}`, ufCrm9_Reason: 'defective' }, '1');
    await settle();
    const add = harness.fake.deliveries.find(
      (delivery) => delivery.event === 'ONCRMDYNAMICITEMADD' && delivery.body.includes(`%5BID%5D=${bitrixId}`),
    );
    for (let n = 0; n < 2; n += 1) {
      await fetch(add!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: add!.body,
      });
    }
    await settle();
    const rows = await returnsOfItem(bitrixId);
    expect(rows).toEqual([{ id: expect.any(String) as string, status: 'requested' }]);
    const entry = (await admin(`/${rows[0].id}`)).body as ReturnBody;
    // One of two waters sold for 99.80: 49.90.
    expect(entry).toMatchObject({
      refundTotal: '49.90',
      items: [{ lineNo: 1, quantity: '1.000', reason: 'defective' }],
    });
    expect(item(bitrixId)).toMatchObject({
      xmlId: entry.id,
      stageId: STAGES.requested,
      ufCrm9_Number: entry.number,
      ufCrm9_Refund: '49.90',
    });

    // Approved by an operator, the item follows; the courier's pick-up in the portal is the courier's move.
    await harness.call('POST', `/api/v1/returns/${entry.id}/approve`, { role: 'admin', idempotencyKey: randomUUID() });
    await settle();
    expect(item(bitrixId).stageId).toBe(STAGES.approved);
    harness.fake.uiUpdateItem(RETURN_TYPE, bitrixId, { stageId: STAGES.picked_up }, { userId: 17 });
    await settle();
    expect(((await admin(`/${entry.id}`)).body as ReturnBody).status).toBe('picked_up');

    // A move only the warehouse and 1C make is set back and kept as a collision.
    harness.fake.uiUpdateItem(RETURN_TYPE, bitrixId, { stageId: STAGES.closed }, { userId: 17 });
    await settle();
    expect(((await admin(`/${entry.id}`)).body as ReturnBody).status).toBe('picked_up');
    expect(item(bitrixId).stageId).toBe(STAGES.picked_up);
    const collisionsOfReturn = () =>
      harness.call('GET', `/api/v1/admin/collisions?entity=${entry.id}`, { role: 'admin' });
    const collisions = await collisionsOfReturn();
    const [collision] = (collisions.body as { items: { id: string }[] }).items;
    expect(collisions.body).toEqual({
      items: [expect.objectContaining({ domain: 'returns', field: 'status', proposedBy: 'bitrix24' })],
    });
    // The courier insists: the same move again is the same open collision, not a second one.
    harness.fake.uiUpdateItem(RETURN_TYPE, bitrixId, { stageId: STAGES.closed }, { userId: 17 });
    await settle();
    expect(item(bitrixId).stageId).toBe(STAGES.picked_up);
    expect((await collisionsOfReturn()).body).toEqual(collisions.body);
    const resolve = (decision: string) =>
      harness.call('POST', `/api/v1/admin/collisions/${collision.id}/resolve`, {
        role: 'admin',
        body: { decision, comment: 'курьер ошибся стадией' },
        idempotencyKey: `${collision.id}-${decision}`,
      });
    expect((await resolve('accept_1c')).status).toBe(409);
    expect((await resolve('accept_middleware')).body).toMatchObject({ status: 'resolved' });
  });

  it('moves an item that asks for more than was sold to the rejected stage, with the reasons', async () => {
    const bitrixId = start({ ufCrm9_Sale: `instant_order:${order.id}`, ufCrm9_Reason: 'defective' }, '5');
    await settle();
    expect(await returnsOfItem(bitrixId)).toEqual([]);
    expect(item(bitrixId).stageId).toBe(STAGES.rejected);
    expect(item(bitrixId).ufCrm9_Rejection).toMatch(/items\.0\.quantity: OVER_RETURNABLE: /);
  });
});
