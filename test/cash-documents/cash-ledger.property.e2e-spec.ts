import { randomUUID } from 'node:crypto';
import { CashDocumentsService } from '@app/cash-documents';
import { AppError, type Principal, UnitOfWork } from '@app/core';
import fc from 'fast-check';
import { COURIER_A, COURIER_B, seedMasterData } from '../deliveries/deliveries-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { receiptFor } from './cash-fixtures';

const ADMIN: Principal = { subject: 'back-office', roles: ['admin'] };
const ONEC: Principal = { subject: 'onec', roles: ['1c'] };
const COURIERS = [COURIER_A, COURIER_B];
const SALES = 4;

/** What a run does: the other domains' cash reports, couriers' and the back office's documents, 1C's answers. */
type Step =
  | { kind: 'collect'; courier: number; sale: number; cents: number; newer: boolean }
  | { kind: 'handover'; courier: number; sales: number[] }
  | { kind: 'advance'; courier: number; cents: number }
  | { kind: 'report'; advance: number; cents: number; unspentCents: number | null }
  | { kind: 'send'; document: number }
  | { kind: 'post'; document: number; offCents: number }
  | { kind: 'reject'; document: number }
  | { kind: 'cancel'; document: number }
  | { kind: 'replay' };

const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('collect' as const),
    courier: fc.nat(1),
    sale: fc.nat(SALES - 1),
    cents: fc.nat(300_000),
    newer: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('handover' as const),
    courier: fc.nat(1),
    sales: fc.uniqueArray(fc.nat(SALES - 1), { minLength: 1, maxLength: SALES }),
  }),
  fc.record({
    kind: fc.constant('advance' as const),
    courier: fc.nat(1),
    cents: fc.integer({ min: 1, max: 1_000_000 }),
  }),
  fc.record({
    kind: fc.constant('report' as const),
    advance: fc.nat(5),
    cents: fc.integer({ min: 1, max: 1_000_000 }),
    unspentCents: fc.option(fc.nat(1_000_000), { nil: null }),
  }),
  fc.record({ kind: fc.constant('send' as const), document: fc.nat(20) }),
  fc.record({
    kind: fc.constant('post' as const),
    document: fc.nat(20),
    offCents: fc.integer({ min: -500, max: 500 }),
  }),
  fc.record({ kind: fc.constant('reject' as const), document: fc.nat(20) }),
  fc.record({ kind: fc.constant('cancel' as const), document: fc.nat(20) }),
  fc.constant({ kind: 'replay' as const }),
);

/**
 * The ledger's property: whatever sequence of reports, documents, replays, rejections and cancellations, every
 * courier's balance equals what its posted documents and its collections say it holds, and each document's entries
 * add up to exactly what its posting moves. The expectation is derived from the documents and collections, never
 * from the ledger it checks.
 */
describe('the cash ledger: balances are the sum of posted entries, whatever happens', () => {
  let harness: MasterDataHarness;
  let cash: CashDocumentsService;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    harness = await startMasterDataHarness({ worker: false, env: { CASH_FISCAL_RECEIPT: 'optional' } });
    await seedMasterData(harness);
    cash = harness.middleware.api.app.get(CashDocumentsService);
    unitOfWork = harness.middleware.api.app.get(UnitOfWork);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const expectations = () =>
    harness.query<{ courier_id: string; account: string; expected: string; held: string }>(
      `WITH expected AS (
         SELECT courier_id, 'cash_on_hand' AS account, amount FROM cash_collections
         UNION ALL
         SELECT courier_id,
                CASE WHEN operation IN ('advance_issue', 'expense_report', 'accountable_return') THEN 'advance' ELSE 'cash_on_hand' END,
                CASE WHEN operation IN ('advance_issue', 'change_fund') THEN posted_amount ELSE -posted_amount END
           FROM cash_documents WHERE status = 'posted'),
       by_account AS (SELECT courier_id, account, sum(amount) AS expected FROM expected GROUP BY 1, 2),
       held AS (SELECT courier_id, account, sum(amount) AS held FROM cash_ledger_entries GROUP BY 1, 2)
       SELECT COALESCE(e.courier_id, h.courier_id) AS courier_id, COALESCE(e.account, h.account) AS account,
              COALESCE(e.expected, 0)::numeric(15,2)::text AS expected, COALESCE(h.held, 0)::numeric(15,2)::text AS held
         FROM by_account e FULL JOIN held h ON h.courier_id = e.courier_id AND h.account = e.account`,
    );

  const documentsOff = () =>
    harness.query<{ id: string }>(
      `SELECT d.id FROM cash_documents d
        WHERE COALESCE((SELECT sum(amount) FROM cash_ledger_entries e WHERE e.document_id = d.id::text), 0)
              <> CASE WHEN d.status <> 'posted' THEN 0
                      WHEN d.operation IN ('advance_issue', 'change_fund') THEN d.posted_amount
                      ELSE -d.posted_amount END`,
    );

  it('holds for any sequence of documents, replays and cancellations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const sales = Array.from({ length: SALES }, () => randomUUID());
        const versions = new Map<string, number>();
        const documents: string[] = [];
        const advances: string[] = [];
        const replayable: (() => Promise<unknown>)[] = [];
        /** `again`: the same input arriving once more must change nothing (a new document is not a replay). */
        const attempt = async (work: () => Promise<unknown>, again = true) => {
          try {
            await work();
            if (again) {
              replayable.push(work);
            }
          } catch (error) {
            // The system refusing an input is allowed; a refusal must be a coded one and change nothing.
            if (!(error instanceof AppError)) {
              throw error;
            }
          }
        };
        for (const s of steps) {
          switch (s.kind) {
            case 'collect': {
              const sale = sales[s.sale];
              const version = (versions.get(sale) ?? 0) + (s.newer ? 1 : 0);
              versions.set(sale, Math.max(version, 1));
              const report = {
                source: { type: 'delivery' as const, id: sale, number: `УТ-${s.sale}` },
                courierId: COURIERS[s.courier],
                amount: amount(s.cents),
                expected: amount(s.cents),
                occurredAt: new Date().toISOString(),
                version: Math.max(version, 1),
              };
              await attempt(() => unitOfWork.run(() => cash.collected(report)));
              break;
            }
            case 'handover': {
              const rows = await harness.query<{ id: string; amount: string }>(
                `SELECT id::text, amount::text FROM cash_collections WHERE id = ANY($1) AND courier_id = $2`,
                [s.sales.map((n) => sales[n]), COURIERS[s.courier]],
              );
              if (rows.length === 0) {
                break;
              }
              const total = rows.reduce((sum, row) => sum + BigInt(row.amount.replace('.', '')), 0n);
              await attempt(async () => {
                const created = await cash.create(
                  {
                    operation: 'customer_payment',
                    courierId: COURIERS[s.courier],
                    cashDeskId: null,
                    counterpartyId: null,
                    amount: amount(Number(total)),
                    purpose: null,
                    cashFlowItem: null,
                    vatIncluded: null,
                    settles: rows.map((row) => ({
                      type: 'delivery',
                      id: row.id,
                      amount: row.amount,
                      fiscalReceipt: receiptFor('0.00'),
                    })),
                    advanceId: null,
                    lines: [],
                    unspent: null,
                    submit: true,
                  },
                  ADMIN,
                );
                documents.push(created.id);
              }, false);
              break;
            }
            case 'advance': {
              const id = randomUUID();
              const issue = {
                operation: 'advance_issue' as const,
                courierId: COURIERS[s.courier],
                cashDeskId: null,
                counterpartyId: null,
                amount: amount(s.cents),
                purpose: null,
                cashFlowItem: null,
                vatIncluded: null,
                settles: [],
                advanceId: null,
                lines: [],
                documentNumber: `ЦБ-${id.slice(0, 6)}`,
                documentDate: '2026-12-05',
                posted: true,
              };
              await attempt(() => cash.putFromOnec(id, issue, ONEC));
              if (!documents.includes(id)) {
                advances.push(id);
                documents.push(id);
              }
              break;
            }
            case 'report': {
              const advanceId = advances[s.advance % Math.max(advances.length, 1)];
              if (advanceId === undefined) {
                break;
              }
              const [advance] = await harness.query<{ courier_id: string }>(
                `SELECT courier_id FROM cash_documents WHERE id = $1`,
                [advanceId],
              );
              await attempt(async () => {
                const report = await cash.create(
                  {
                    operation: 'expense_report',
                    courierId: advance.courier_id,
                    cashDeskId: null,
                    counterpartyId: null,
                    amount: amount(s.cents),
                    purpose: null,
                    cashFlowItem: null,
                    vatIncluded: null,
                    settles: [],
                    advanceId,
                    lines: [
                      {
                        category: 'fuel',
                        amount: amount(s.cents),
                        date: '2026-12-05',
                        documentRef: 'чек',
                        description: null,
                      },
                    ],
                    unspent: s.unspentCents === null ? null : amount(s.unspentCents),
                    submit: true,
                  },
                  ADMIN,
                );
                documents.push(report.id);
                const rest = await harness.query<{ id: string }>(
                  `SELECT id FROM cash_documents WHERE origin_key = $1`,
                  [`unspent-of:${report.id}`],
                );
                documents.push(...rest.map((row) => row.id));
              }, false);
              break;
            }
            case 'send': {
              const id = documents[s.document % Math.max(documents.length, 1)];
              if (id !== undefined) {
                await attempt(() => cash.send(id));
              }
              break;
            }
            case 'post': {
              const id = documents[s.document % Math.max(documents.length, 1)];
              if (id === undefined) {
                break;
              }
              const [row] = await harness.query<{ amount: string }>(
                `SELECT amount::text FROM cash_documents WHERE id = $1`,
                [id],
              );
              const cents = Number(row.amount.replace('.', '')) + s.offCents;
              await attempt(() =>
                cash.acknowledge(
                  id,
                  {
                    outcome: 'posted',
                    documentNumber: 'ЦБ-1',
                    documentDate: '2026-12-05',
                    amount: cents > 0 ? amount(cents) : null,
                  },
                  ONEC,
                ),
              );
              break;
            }
            case 'reject': {
              const id = documents[s.document % Math.max(documents.length, 1)];
              if (id !== undefined) {
                await attempt(() => cash.acknowledge(id, { outcome: 'rejected', reason: 'нет' }, ONEC));
              }
              break;
            }
            case 'cancel': {
              const id = documents[s.document % Math.max(documents.length, 1)];
              if (id !== undefined) {
                await attempt(() => cash.cancel(id, ADMIN));
              }
              break;
            }
            case 'replay': {
              // Everything accepted so far, again: 1C's answers, the other domains' reports, the sends.
              const entries = await harness.query(`SELECT count(*)::int AS n FROM cash_ledger_entries`);
              for (const work of replayable) {
                await work().catch((error: unknown) => {
                  if (!(error instanceof AppError)) {
                    throw error;
                  }
                });
              }
              expect(await harness.query(`SELECT count(*)::int AS n FROM cash_ledger_entries`)).toEqual(entries);
              break;
            }
          }
          const off = (await expectations()).filter((row) => row.expected !== row.held);
          expect(off).toEqual([]);
          expect(await documentsOff()).toEqual([]);
        }
      }),
      { numRuns: 25 },
    );
  });
});
