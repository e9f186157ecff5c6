import { FakeOnecHttpService, waitFor } from '@app/testing';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { settled as settleAll } from '../support/portal-board';
import {
  BOARD_CATEGORY,
  BOARD_MAPPING,
  BOARD_TYPE,
  COURIER_A,
  deliveriesAs,
  type DeliveryBody,
  seedBoardStages,
  seedMasterData,
  shipment,
  STAGES,
} from './deliveries-fixtures';

interface Item {
  id: number;
  xmlId: string;
  stageId: string;
  title: string;
  opportunity: number | string;
  assignedById: number;
  ufCrm5_Cod: string;
  ufCrm5_Cash: string | null;
}

describe('deliveries on the courier’s Bitrix24 board: the item follows the delivery, stage moves come back', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  const onecSide = () => deliveriesAs(() => harness, '1c');
  const admin = () => deliveriesAs(() => harness, 'admin');

  const itemOf = (id: string) => harness.fake.items(BOARD_TYPE).find((item) => item.xmlId === id) as Item | undefined;
  const settled = () => settleAll(harness);
  const move = async (id: string, status: string, fields: Record<string, unknown> = {}) => {
    harness.fake.uiUpdateItem(
      BOARD_TYPE,
      Number(itemOf(id)!.id),
      { stageId: STAGES[status], ...fields },
      { userId: 17 },
    );
    await settled();
  };
  const statusOf = async (id: string) => ((await admin().get(`/${id}`)).body as DeliveryBody).status;
  const historyOf = async (id: string) => ((await admin().get(`/${id}`)).body as DeliveryBody).history!;
  const confirmationsOf = (id: string) =>
    onec.received.filter(
      (push) =>
        push.status === 200 &&
        !push.duplicate &&
        (push.body as { data?: { deliveryId?: string } }).data?.deliveryId === id,
    );
  const create = async (n: number) => {
    const answer = await onecSide().post('', shipment(n));
    expect(answer.status).toBe(201);
    await settled();
    return (answer.body as DeliveryBody).id;
  };

  beforeAll(async () => {
    onec = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
    harness = await startMasterDataHarness({
      mapping: BOARD_MAPPING,
      smartProcesses: [{ entityTypeId: BOARD_TYPE, categories: [{ id: BOARD_CATEGORY }] }],
      outgoingEvents: ['ONCRMDYNAMICITEMUPDATE'],
      env: {
        ONEC_HTTP_BASE_URL: onec.url,
        ONEC_HTTP_LOGIN: 'middleware',
        ONEC_HTTP_PASSWORD: 'hs-password',
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      },
    });
    // The whole pipeline, in order: seeded stages replace the portal's defaults.
    seedBoardStages(harness);
    await seedMasterData(harness);
    await settled();
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('shows a new delivery as one item, assigned to the courier’s portal user, at our stage', async () => {
    const id = await create(21);
    expect(harness.fake.items(BOARD_TYPE).filter((item) => item.xmlId === id)).toHaveLength(1);
    expect(itemOf(id)).toMatchObject({
      title: 'УТ-21: Москва, ул. Ленина, 1, кв. 5',
      stageId: STAGES.assigned,
      assignedById: 17,
      ufCrm5_Cod: '116.99',
    });
    expect(Number(itemOf(id)!.opportunity)).toBe(216.99);
    const rows = () =>
      harness.fake
        .productRows(BOARD_TYPE, Number(itemOf(id)!.id))
        .map((row) => [row.productName, row.price, row.quantity, row.taxRate, row.taxIncluded, row.measureCode]);
    expect(rows()).toEqual([
      ['Вода', 49.9, 2, 22, 'Y', 796],
      ['Сок, 1 л', 312.5, 0.375, 10, 'Y', 796],
    ]);

    // 1C's change before dispatch rewrites the rows; the courier's status moves leave them.
    const water = shipment(21).items[0];
    const changed = await onecSide().put(
      `/${id}`,
      shipment(21, { items: [water], totals: { total: '99.80', cashOnDelivery: '0' } }),
    );
    expect(changed.status).toBe(200);
    await settled();
    expect(rows()).toEqual([['Вода', 49.9, 2, 22, 'Y', 796]]);
    await move(id, 'accepted');
    expect(itemOf(id)!.stageId).toBe(STAGES.accepted);
    expect(rows()).toEqual([['Вода', 49.9, 2, 22, 'Y', 796]]);
  });

  it('takes the courier’s stage moves through to delivered, confirms to 1C once, however often the webhook comes', async () => {
    const id = await create(22);
    await move(id, 'accepted');
    await move(id, 'in_transit');
    expect(await statusOf(id)).toBe('in_transit');
    await move(id, 'delivered', { ufCrm5_Cash: '116.99' });
    expect(await statusOf(id)).toBe('delivered');
    const audited = (await historyOf(id)).length;

    // The same webhook delivered twice more (Bitrix24 posts once; a proxy or a replay might not).
    const last = harness.fake.deliveries[harness.fake.deliveries.length - 1];
    for (let copy = 0; copy < 2; copy++) {
      await fetch(last.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: last.body,
      });
    }
    await settled();
    expect((await historyOf(id)).length).toBe(audited);
    await waitFor(async () => Promise.resolve(confirmationsOf(id).length === 1), { what: 'the confirmation' });
    expect(confirmationsOf(id)[0].body).toMatchObject({
      data: { status: 'delivered', cashCollected: '116.99', deliveredAmount: '216.99' },
    });

    await onecSide().post(`/${id}/ack`, { documentNumber: 'ПКО-22', documentDate: '2026-12-05' });
    await settled();
    expect(itemOf(id)!.stageId).toBe(STAGES.closed);
    expect(confirmationsOf(id)).toHaveLength(1);
  });

  it('keeps a move the courier made while the middleware’s write of the previous one was on its way', async () => {
    const id = await create(28);
    const item = Number(itemOf(id)!.id);
    // Our writes to the board take half a second: the courier's next move lands before the write of the previous.
    harness.fake.setFaults([{ method: 'batch', kind: 'latency', delayMs: 500, probability: 1 }]);
    try {
      harness.fake.uiUpdateItem(BOARD_TYPE, item, { stageId: STAGES.accepted }, { userId: 17 });
      await waitFor(async () => (await statusOf(id)) === 'accepted', { what: 'accepted' });
      // The second move's event is read after that write has landed.
      harness.fake.scriptFault({ method: 'crm.item.get', kind: 'latency', delayMs: 1500 });
      harness.fake.uiUpdateItem(BOARD_TYPE, item, { stageId: STAGES.in_transit }, { userId: 17 });
      await settled();
    } finally {
      harness.fake.clearFaults();
    }
    expect(await statusOf(id)).toBe('in_transit');
    expect(itemOf(id)!.stageId).toBe(STAGES.in_transit);
  });

  it('takes its own stage write coming back before the write is answered as its own, not as the courier moving back', async () => {
    const courier = deliveriesAs(() => harness, 'courier', COURIER_A);
    const at = { occurredAt: '2026-12-05T11:00:00+03:00' };
    const id = await create(30);
    expect((await courier.post(`/${id}/status`, { status: 'accepted', ...at })).status).toBe(200);
    await settled();
    // The write of in_transit lands and its event goes out at once; its answer comes 2 s later. The event's re-read
    // waits long enough for the courier to report the delivery in between.
    harness.fake.scriptFault({ method: 'batch', kind: 'late-answer', delayMs: 2000 });
    harness.fake.scriptFault({ method: 'crm.item.get', kind: 'latency', delayMs: 600 });
    expect((await courier.post(`/${id}/status`, { status: 'in_transit', ...at })).status).toBe(200);
    await waitFor(async () => Promise.resolve(itemOf(id)!.stageId === STAGES.in_transit), { what: 'in_transit' });
    expect((await courier.post(`/${id}/status`, { status: 'delivered', cashCollected: '116.99', ...at })).status).toBe(
      200,
    );
    await settled();

    expect(await statusOf(id)).toBe('delivered');
    expect(itemOf(id)!.stageId).toBe(STAGES.delivered);
    const collisions = await harness.call('GET', `/api/v1/admin/collisions?entity=${id}`);
    expect((collisions.body as { items: unknown[] }).items).toEqual([]);
  });

  it('keeps a move the courier made on an item whose creation went unanswered', async () => {
    // The item is created, the answer never comes: the middleware looks the item up before it writes again.
    harness.fake.scriptFault({ method: 'batch', kind: 'timeout-after-commit' });
    const answer = await onecSide().post('', shipment(29));
    expect(answer.status).toBe(201);
    const { id } = answer.body as DeliveryBody;
    const item = await waitFor(async () => Promise.resolve(itemOf(id)), { what: 'the item' });
    harness.fake.uiUpdateItem(BOARD_TYPE, Number(item.id), { stageId: STAGES.accepted }, { userId: 17 });
    await settled();

    expect(await statusOf(id)).toBe('accepted');
    expect(itemOf(id)!.stageId).toBe(STAGES.accepted);
    expect(harness.fake.items(BOARD_TYPE).filter((candidate) => candidate.xmlId === id)).toHaveLength(1);
  });

  it('puts an illegal stage move back and records why', async () => {
    const id = await create(23);
    await move(id, 'delivered', { ufCrm5_Cash: '116.99' });
    expect(await statusOf(id)).toBe('assigned');
    expect(itemOf(id)!.stageId).toBe(STAGES.assigned);
    expect((await historyOf(id)).at(-1)).toMatchObject({
      action: 'portal_change_refused',
      source: 'bitrix24',
      details: { reason: 'a assigned delivery cannot become delivered', asked: 'delivered' },
    });
    expect(confirmationsOf(id)).toEqual([]);

    // The refused move is a collision; an operator who knows better sets the status, and the board follows.
    const listed = await harness.call('GET', `/api/v1/admin/collisions?entity=${id}`, { role: 'admin' });
    const [collision] = (listed.body as { items: { id: string; field: string; proposedBy: string }[] }).items;
    expect(collision).toMatchObject({ field: 'status', proposedBy: 'bitrix24' });
    const resolve = (decision: string, value?: unknown) =>
      harness.call('POST', `/api/v1/admin/collisions/${collision.id}/resolve`, {
        role: 'admin',
        body: { decision, value, comment: 'the courier did set out' },
        idempotencyKey: `${collision.id}-${decision}`,
      });
    expect((await resolve('accept_1c')).status).toBe(409);
    expect((await resolve('edit', { status: 'accepted' })).status).toBe(200);
    await settled();
    expect(await statusOf(id)).toBe('accepted');
    expect(itemOf(id)!.stageId).toBe(STAGES.accepted);
  });

  it('takes cash that does not match as reported, and records the deviation', async () => {
    const id = await create(24);
    await move(id, 'accepted');
    await move(id, 'in_transit');
    await move(id, 'delivered', { ufCrm5_Cash: '100' });
    const delivery = (await admin().get(`/${id}`)).body as DeliveryBody;
    expect(delivery.outcome).toMatchObject({ status: 'delivered', cashCollected: '100.00' });
    expect(delivery.history!.at(-1)).toMatchObject({
      to: 'delivered',
      source: 'bitrix24',
      details: { deviation: { cashExpected: '116.99', cashReported: '100.00' } },
    });
  });

  it('moves the item when 1C cancels the delivery', async () => {
    const id = await create(25);
    await onecSide().post(`/${id}/cancel`);
    await settled();
    expect(itemOf(id)!.stageId).toBe(STAGES.cancelled);
  });
});
