import { randomUUID } from 'node:crypto';
import type { FakeOnecHttpService } from '@app/testing';
import { waitFor } from '@app/testing';
import { COURIER_A, COURIER_B, type Problem, startWithFakeOnec } from '../deliveries/deliveries-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import { type OrderBody, ordersAs, sale, seedSaleTerms } from '../instant-orders/instant-orders-fixtures';
import { type CashDocumentBody, cashAs, deliveredWithCash, receiptFor } from './cash-fixtures';

/** Cash documents over the real apps: deliveries' cash in, ПКО out, advances, refunds, 1C's answers. */
describe('cash documents: every rouble a courier takes reaches a posted 1C document', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  const courierA = cashAs(() => harness, 'courier', COURIER_A);
  const courierB = cashAs(() => harness, 'courier', COURIER_B);
  const admin = cashAs(() => harness, 'admin');
  const onecSide = cashAs(() => harness, '1c');

  const ledger = async (documentId: string) =>
    harness.query<{ account: string; amount: string }>(
      `SELECT account, amount::text FROM cash_ledger_entries WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
  const sentToOnec = (id: string) =>
    waitFor(
      async () => {
        const document = (await admin.get(`/cash-documents/${id}`)).body as CashDocumentBody;
        return document.status === 'sent_to_1c' && document;
      },
      { what: `cash document ${id} sent to 1C` },
    );
  const balanceOf = (courierId: string, cashOnHand: string, advances = '0.00') =>
    waitFor(
      async () => {
        const cash = await admin.cash(courierId);
        return cash.cashOnHand === cashOnHand && cash.advances === advances && cash;
      },
      { what: `${courierId} holding ${cashOnHand} and ${advances} in advances` },
    );
  const post = (id: string, documentNumber: string, amount?: string) =>
    onecSide.post(`/${id}/ack`, { outcome: 'posted', documentNumber, documentDate: '2026-12-05', amount });

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec({ CASH_FISCAL_RECEIPT: 'required' }));
    await seedSaleTerms(harness);
  });

  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('COD 1,500.00 delivered → 1,500.00 on hand → ПКО handed in → 1C posts it → 0 on hand and the delivery settled; replays change nothing', async () => {
    const delivery = await deliveredWithCash(() => harness, 301, '1500.00');
    const before = await balanceOf(COURIER_A, '1500.00');
    expect(before).toMatchObject({
      name: 'Иванов',
      openCollections: [{ type: 'delivery', id: delivery.id, amount: '1500.00', expected: '1500.00' }],
    });
    expect(before.oldestOpenCollectionAt).not.toBeNull();

    const handover = {
      operation: 'customer_payment',
      amount: '1500.00',
      purpose: 'Оплата по УТ-301',
      settles: [{ type: 'delivery', id: delivery.id, amount: '1500.00', fiscalReceipt: receiptFor('270.49') }],
    };
    const key = randomUUID();
    const created = await courierA.create(handover, key);
    expect(created.status).toBe(201);
    const pko = created.body as CashDocumentBody;
    expect(pko).toMatchObject({
      kind: 'cash_receipt',
      operation: 'customer_payment',
      onecOperation: 'Поступление оплаты от клиента',
      status: 'submitted',
      courierId: COURIER_A,
      amount: '1500.00',
    });
    // The same request again is the same answer; the same handover under a new key finds the sale taken.
    const replayed = await courierA.create(handover, key);
    expect(replayed).toMatchObject({ status: 201, body: pko });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const again = await courierA.create(handover);
    expect(again.status).toBe(422);
    expect((again.body as Problem).errors).toEqual([
      { path: 'settles.0.id', message: expect.stringMatching(/^ALREADY_SETTLED: КД-/) },
    ]);

    await sentToOnec(pko.id);
    // Pushed to 1C's HTTP service once, as 1C's document: the cash desk's operation and the receipt's requisites.
    const pushed = await waitFor(
      () => {
        const pushes = onec.received.filter(
          (push) => (push.body as { subject?: string }).subject === `cash_document:${pko.id}`,
        );
        return Promise.resolve(pushes.length > 0 && pushes);
      },
      { what: 'the push of the ПКО' },
    );
    expect(pushed).toHaveLength(1);
    expect((pushed[0].body as { data: { document: unknown } }).data.document).toMatchObject({
      id: pko.id,
      documentType: 'ПриходныйКассовыйОрдер',
      operation: 'Поступление оплаты от клиента',
      amount: '1500.00',
      currency: 'RUB',
      accountablePerson: { id: COURIER_A, name: 'Иванов' },
      baseDocuments: [
        { type: 'delivery', id: delivery.id, fiscalReceipt: { settlementMethod: 4, vat: [{ rateCode: 11 }] } },
      ],
    });
    // Still on hand until 1C posts it: the balance moves with 1C's posting, not with our sending.
    expect((await admin.cash(COURIER_A)).cashOnHand).toBe('1500.00');

    const posted = await post(pko.id, 'ЦБ-000101');
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ status: 'posted', onec: { documentNumber: 'ЦБ-000101', amount: '1500.00' } });
    const after = await admin.cash(COURIER_A);
    expect(after).toMatchObject({ cashOnHand: '0.00', openCollections: [], oldestOpenCollectionAt: null });
    const settled = await admin.get(`/cash-documents?settles_type=delivery&settles_id=${delivery.id}`);
    expect((settled.body as { items: CashDocumentBody[] }).items.map((item) => item.id)).toEqual([pko.id]);

    // 1C saying it again, under a new key: the same document, one ledger entry.
    expect(await post(pko.id, 'ЦБ-000101')).toMatchObject({
      status: 200,
      body: { status: 'posted', version: (posted.body as CashDocumentBody).version },
    });
    expect(await ledger(pko.id)).toEqual([{ account: 'cash_on_hand', amount: '-1500.00' }]);
    expect(await ledger(delivery.id)).toEqual([{ account: 'cash_on_hand', amount: '1500.00' }]);
    const history = ((await courierA.get(`/cash-documents/${pko.id}`)).body as CashDocumentBody).history!;
    expect(history.map((entry) => [entry.action, entry.to])).toEqual([
      ['created', 'draft'],
      ['submitted', 'submitted'],
      ['sent_to_1c', 'sent_to_1c'],
      ['posted', 'posted'],
    ]);
  });

  it('advance 5,000.00 issued (РКО, posted) → report 3,200.00 of expenses with 1,800.00 returned (ПКО) → 0 outstanding; a report that does not add up is refused', async () => {
    const issued = await admin.create({
      operation: 'advance_issue',
      courierId: COURIER_B,
      amount: '5000.00',
      purpose: 'Топливо и парковка',
    });
    expect(issued.status).toBe(201);
    const advance = issued.body as CashDocumentBody;
    expect(advance).toMatchObject({ kind: 'cash_disbursement', onecOperation: 'Выдача денежных средств подотчетнику' });
    await sentToOnec(advance.id);
    expect((await post(advance.id, 'ЦБ-000201')).status).toBe(200);
    expect((await balanceOf(COURIER_B, '0.00', '5000.00')).openAdvances).toMatchObject([
      { document: { id: advance.id }, outstanding: '5000.00' },
    ]);

    const lines = [
      { category: 'fuel', amount: '2000.00', date: '2026-12-05', documentRef: 'Чек АЗС № 118' },
      { category: 'parking', amount: '1200.00', date: '2026-12-05', documentRef: 'Чек парковки № 7' },
    ];
    const report = (overrides: Record<string, unknown>) =>
      courierB.create({
        operation: 'expense_report',
        advanceId: advance.id,
        amount: '3200.00',
        lines,
        unspent: '1800.00',
        ...overrides,
      });
    const documentsBefore = await harness.query(`SELECT count(*)::int AS n FROM cash_documents`);
    const wrongLines = await report({ lines: [lines[0], { ...lines[1], amount: '1100.00' }] });
    expect(wrongLines.status).toBe(422);
    expect((wrongLines.body as Problem).errors).toEqual([
      { path: 'lines', message: expect.stringMatching(/^NOT_ADDING_UP/) },
    ]);
    const wrongRest = await report({ unspent: '1000.00' });
    expect(wrongRest.status).toBe(422);
    expect((wrongRest.body as Problem).errors).toEqual([
      { path: 'unspent', message: expect.stringMatching(/^NOT_ADDING_UP/) },
    ]);
    expect(await harness.query(`SELECT count(*)::int AS n FROM cash_documents`)).toEqual(documentsBefore);

    const filed = await report({});
    expect(filed.status).toBe(201);
    const expenses = filed.body as CashDocumentBody;
    expect(expenses).toMatchObject({ kind: 'advance_report', status: 'submitted', amount: '3200.00' });
    const rest = (
      (await courierB.get(`/cash-documents?operation=accountable_return`)).body as { items: CashDocumentBody[] }
    ).items;
    expect(rest).toMatchObject([
      {
        advanceId: advance.id,
        amount: '1800.00',
        status: expect.stringMatching(/submitted|sent_to_1c/),
        onecOperation: 'Возврат денежных средств от подотчетника',
      },
    ]);
    // Nothing more can be reported against it while these are live.
    expect(
      (await report({ amount: '100.00', lines: [{ ...lines[0], amount: '100.00' }], unspent: undefined })).status,
    ).toBe(422);

    await sentToOnec(expenses.id);
    await sentToOnec(rest[0].id);
    expect((await post(expenses.id, 'ЦБ-000202')).status).toBe(200);
    expect((await post(rest[0].id, 'ЦБ-000203')).status).toBe(200);
    expect(await balanceOf(COURIER_B, '0.00', '0.00')).toMatchObject({ openAdvances: [], pendingDocuments: [] });
  });

  /** A return of a delivery's only line, picked up paying `amount` back, and the disbursement it became. */
  const refundedReturn = async (n: number, amount: string) => {
    const delivery = await deliveredWithCash(() => harness, n, amount);
    await balanceOf(COURIER_A, amount);
    const requested = await harness.call('POST', '/api/v1/returns', {
      role: 'courier',
      courierId: COURIER_A,
      idempotencyKey: randomUUID(),
      body: {
        sale: { kind: 'delivery', id: delivery.id },
        items: [{ lineNo: 1, quantity: '1', reason: 'refused_at_door' }],
      },
    });
    expect(requested.status).toBe(201);
    const returnId = (requested.body as { id: string }).id;
    expect((await returnStep(returnId, 'approve', 'admin')).status).toBe(200);
    const pickUp = { occurredAt: '2026-12-05T12:00:00+03:00', cashRefund: amount };
    expect((await returnStep(returnId, 'pick-up', 'courier', pickUp)).status).toBe(200);
    const refund = await waitFor(
      async () => {
        const page = (await admin.get(`/cash-documents?settles_type=return&settles_id=${returnId}`)).body as {
          items: CashDocumentBody[];
        };
        return page.items.length > 0 && page.items[0].status === 'sent_to_1c' && page.items;
      },
      { what: 'the refund’s disbursement' },
    );
    expect(refund).toMatchObject([
      { kind: 'cash_disbursement', operation: 'customer_refund', amount, courierId: COURIER_A },
    ]);
    return { returnId, refund: refund[0] };
  };
  const returnStep = (id: string, step: string, role: 'admin' | 'courier' | '1c', body?: unknown) =>
    harness.call('POST', `/api/v1/returns/${id}/${step}`, {
      role,
      ...(role === 'courier' ? { courierId: COURIER_A } : {}),
      idempotencyKey: randomUUID(),
      body,
    });
  const returnOf = async (id: string) =>
    (await harness.call('GET', `/api/v1/returns/${id}`, { role: 'admin' })).body as {
      status: string;
      refundSettlement: { documentId: string; documentNumber: string; postedAt: string } | null;
      history: { to: string | null }[];
    };
  const receivedAndPosted = async (id: string, documentNumber: string) => {
    const received = await returnStep(id, 'receive', 'admin', {
      occurredAt: '2026-12-05T18:00:00+03:00',
      items: [{ lineNo: 1, quantity: '1' }],
    });
    expect(received.status).toBe(200);
    const posted = await returnStep(id, 'ack', '1c', { documentNumber, documentDate: '2026-12-05' });
    expect(posted.status).toBe(200);
    return posted.body as { status: string };
  };

  it('a return’s cash refund becomes one disbursement (РКО) and moves the balance once, when 1C posts it', async () => {
    const { returnId, refund } = await refundedReturn(302, '300.00');
    expect((await admin.cash(COURIER_A)).cashOnHand).toBe('300.00');
    expect((await post(refund.id, 'ЦБ-000301')).status).toBe(200);
    expect((await post(refund.id, 'ЦБ-000301')).status).toBe(200);
    expect((await admin.cash(COURIER_A)).cashOnHand).toBe('0.00');
    expect(await ledger(refund.id)).toEqual([{ account: 'cash_on_hand', amount: '-300.00' }]);

    // The return hears of it before 1C posts the return itself, and so closes with that posting.
    const settled = await waitFor(
      async () => {
        const entry = await returnOf(returnId);
        return entry.refundSettlement !== null && entry;
      },
      { what: 'the return to hear that its refund is settled' },
    );
    expect(settled).toMatchObject({
      status: 'picked_up',
      refundSettlement: { documentId: refund.id, documentNumber: 'ЦБ-000301' },
    });
    expect(await receivedAndPosted(returnId, 'СА-000302')).toMatchObject({ status: 'closed' });
  });

  it('a return 1C posted before its refund’s РКО waits, and closes when 1C posts the РКО; the news once only', async () => {
    const { returnId, refund } = await refundedReturn(304, '250.00');
    expect(await receivedAndPosted(returnId, 'СА-000304')).toMatchObject({ status: 'posted' });
    expect(await returnOf(returnId)).toMatchObject({ status: 'posted', refundSettlement: null });

    expect((await post(refund.id, 'ЦБ-000304')).status).toBe(200);
    const closed = await waitFor(
      async () => {
        const entry = await returnOf(returnId);
        return entry.status === 'closed' && entry;
      },
      { what: 'the return to close on its refund’s posting' },
    );
    expect(closed.refundSettlement).toMatchObject({ documentId: refund.id, documentNumber: 'ЦБ-000304' });
    expect(closed.history.map((entry) => entry.to)).toEqual([
      'requested',
      'approved',
      'picked_up',
      'received',
      'posted',
      'posted',
      'closed',
    ]);
    const news = await harness.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM outbox_events WHERE type = 'mastermobile.cash.refund_settled.v1' AND subject = $1`,
      [`return:${returnId}`],
    );
    expect(news).toEqual([{ count: 1 }]);
  });

  it('1C’s answers: a rejection goes back to the author, who submits again; 1C posting another amount moves the ledger by 1C’s', async () => {
    const delivery = await deliveredWithCash(() => harness, 303, '700.00');
    await balanceOf(COURIER_A, '700.00');
    const created = await courierA.create({
      operation: 'customer_payment',
      amount: '700.00',
      settles: [{ type: 'delivery', id: delivery.id, amount: '700.00', fiscalReceipt: receiptFor('126.23', 2) }],
    });
    const pko = created.body as CashDocumentBody;
    await sentToOnec(pko.id);
    const rejected = await onecSide.post(`/${pko.id}/ack`, { outcome: 'rejected', reason: 'Касса закрыта' });
    expect(rejected.body).toMatchObject({ status: 'rejected_by_1c', rejectionReason: 'Касса закрыта' });
    expect((await courierA.post(`/${pko.id}/submit`)).body).toMatchObject({
      status: 'submitted',
      rejectionReason: null,
    });
    await sentToOnec(pko.id);
    expect((await post(pko.id, 'ЦБ-000401', '690.00')).body).toMatchObject({
      status: 'posted',
      amount: '700.00',
      onec: { amount: '690.00' },
    });
    expect((await admin.cash(COURIER_A)).cashOnHand).toBe('10.00');
    // A posted document is final for us: only 1C could have changed it.
    expect((await courierA.post(`/${pko.id}/cancel`)).status).toBe(409);
  });

  it('1C’s own documents by PUT: created, replaced (the ledger appends the difference), the same again changes nothing', async () => {
    const id = randomUUID();
    const advance = {
      operation: 'advance_issue',
      courierId: COURIER_B,
      amount: '1000.00',
      documentNumber: 'ЦБ-000501',
      documentDate: '2026-12-05',
      posted: true,
    };
    const first = await onecSide.put(id, advance);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, status: 'posted', origin: '1c', onec: { documentNumber: 'ЦБ-000501' } });
    expect((await onecSide.put(id, advance)).body).toMatchObject({ version: (first.body as CashDocumentBody).version });
    expect((await onecSide.put(id, { ...advance, amount: '1200.00' })).status).toBe(200);
    expect(await ledger(id)).toEqual([
      { account: 'advance', amount: '1000.00' },
      { account: 'advance', amount: '200.00' },
    ]);
    expect((await onecSide.put(id, { ...advance, amount: '1200.00', posted: false })).body).toMatchObject({
      status: 'draft',
    });
    expect((await ledger(id)).map((entry) => entry.amount)).toEqual(['1000.00', '200.00', '-1200.00']);
    // Ours are answered by /ack, never replaced.
    const ours = (
      (await admin.get('/cash-documents?operation=advance_issue&courier=' + COURIER_B)).body as {
        items: CashDocumentBody[];
      }
    ).items.find((item) => item.id !== id)!;
    expect((await onecSide.put(ours.id, advance)).status).toBe(409);
  });

  it('an instant order paid in cash is cash on hand until its ПКО is posted; one paid by card is not', async () => {
    const before = await admin.cash(COURIER_B);
    const orders = ordersAs(() => harness, 'courier', COURIER_B);
    const byCard = await orders.post('', sale({ payment: 'card' }));
    expect(byCard.status).toBe(201);
    const inCash = await orders.post('', sale());
    expect(inCash.status).toBe(201);
    const order = inCash.body as OrderBody;
    const held = await waitFor(
      async () => {
        const cash = await admin.cash(COURIER_B);
        return cash.openCollections.some((item) => item.id === order.id) && cash;
      },
      { what: 'the cash sale as an open collection' },
    );
    expect(held.openCollections.filter((item) => item.type === 'instant_order')).toEqual([
      expect.objectContaining({ id: order.id, amount: '99.80', expected: '99.80' }),
    ]);
    const handedIn = await courierB.create({
      operation: 'customer_payment',
      amount: '99.80',
      settles: [{ type: 'instant_order', id: order.id, amount: '99.80', fiscalReceipt: receiptFor('18.00', 3) }],
    });
    expect(handedIn.status).toBe(201);
    const pko = handedIn.body as CashDocumentBody;
    await sentToOnec(pko.id);
    expect((await post(pko.id, 'ЦБ-000601')).status).toBe(200);
    expect((await admin.cash(COURIER_B)).cashOnHand).toBe(before.cashOnHand);
  });

  it('courier isolation (404), roles (403) and bad amounts (422), each changing nothing', async () => {
    const ofA = ((await admin.get(`/cash-documents?courier=${COURIER_A}`)).body as { items: CashDocumentBody[] })
      .items[0];
    expect((await courierB.get(`/couriers/${COURIER_A}/cash`)).status).toBe(404);
    expect((await courierB.get(`/cash-documents/${ofA.id}`)).status).toBe(404);
    expect((await courierB.post(`/${ofA.id}/cancel`)).status).toBe(404);
    expect(((await courierB.get(`/cash-documents?courier=${COURIER_A}`)).body as { items: unknown[] }).items).toEqual(
      [],
    );
    expect(
      ((await courierB.get(`/cash-documents`)).body as { items: CashDocumentBody[] }).items.every(
        (item) => item.courierId === COURIER_B,
      ),
    ).toBe(true);
    expect((await admin.get(`/couriers/${randomUUID()}/cash`)).status).toBe(404);

    const count = async () =>
      harness.query(
        `SELECT (SELECT count(*) FROM cash_documents)::int AS d, (SELECT count(*) FROM cash_ledger_entries)::int AS e`,
      );
    const before = await count();
    expect((await courierA.create({ operation: 'advance_issue', amount: '10.00' })).status).toBe(403);
    expect((await onecSide.create({ operation: 'advance_issue', courierId: COURIER_A, amount: '10.00' })).status).toBe(
      403,
    );
    expect(
      (
        await courierA.put(randomUUID(), {
          operation: 'advance_issue',
          courierId: COURIER_A,
          amount: '10.00',
          documentNumber: 'X',
          documentDate: '2026-12-05',
          posted: true,
        })
      ).status,
    ).toBe(403);
    expect((await courierA.get('/admin/cash/balances')).status).toBe(403);
    expect(
      (await courierA.post(`/${ofA.id}/ack`, { outcome: 'posted', documentNumber: 'X', documentDate: '2026-12-05' }))
        .status,
    ).toBe(403);
    for (const amount of ['-5.00', '1.005', 'abc', '0', '99999999999999.00']) {
      const answer = await admin.create({ operation: 'change_fund', courierId: COURIER_A, amount });
      expect({ amount, status: answer.status, path: (answer.body as Problem).errors?.[0]?.path }).toEqual({
        amount,
        status: 422,
        path: 'amount',
      });
    }
    const noReceipt = await admin.create({
      operation: 'customer_payment',
      courierId: COURIER_A,
      amount: '10.00',
      settles: [{ type: 'delivery', id: randomUUID(), amount: '10.00' }],
    });
    expect((noReceipt.body as Problem).errors).toEqual([
      { path: 'settles.0.fiscalReceipt', message: expect.stringMatching(/^FISCAL_RECEIPT_REQUIRED/) },
    ]);
    expect(await count()).toEqual(before);
  });

  it('lists every courier’s balance for the back office, a page at a time', async () => {
    const first = await admin.get('/admin/cash/balances?limit=1');
    expect(first.status).toBe(200);
    const page = first.body as { items: { courierId: string }[]; nextCursor?: string };
    expect(page.items).toHaveLength(1);
    const second = (await admin.get(`/admin/cash/balances?limit=1&cursor=${page.nextCursor}`)).body as {
      items: { courierId: string }[];
    };
    expect([page.items[0].courierId, second.items[0].courierId].sort()).toEqual([COURIER_A, COURIER_B].sort());
    expect((await admin.get('/admin/cash/balances?cursor=broken')).status).toBe(400);
  });
});
