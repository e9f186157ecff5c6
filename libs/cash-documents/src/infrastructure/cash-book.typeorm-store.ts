import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import {
  CashBook,
  type Collection,
  type CourierBalance,
  type Holding,
  type LedgerEntry,
} from '../application/ports/cash-book.port';
import type { LedgerAccount, SettledType } from '../domain/cash-document';
import { CashCollectionEntity } from './cash-book.entities';

interface BalanceRow {
  courier_id: string;
  cash_on_hand: string;
  advances: string;
  oldest_open: Date | null;
}

const BALANCES = `
  SELECT c.courier_id,
         COALESCE((SELECT sum(amount) FROM cash_ledger_entries e WHERE e.courier_id = c.courier_id AND e.account = 'cash_on_hand'), 0)::numeric(15,2)::text AS cash_on_hand,
         COALESCE((SELECT sum(amount) FROM cash_ledger_entries e WHERE e.courier_id = c.courier_id AND e.account = 'advance'), 0)::numeric(15,2)::text AS advances,
         (SELECT min(collected_at) FROM cash_collections o WHERE o.courier_id = c.courier_id AND o.settled_at IS NULL AND o.amount <> 0) AS oldest_open
    FROM couriers_with_money c`;

function toBalance(row: BalanceRow): CourierBalance {
  return {
    courierId: row.courier_id,
    cashOnHand: row.cash_on_hand,
    advances: row.advances,
    oldestOpenCollectionAt: row.oldest_open === null ? null : new Date(row.oldest_open),
  };
}

function toCollection(row: CashCollectionEntity): Collection {
  return {
    type: row.type as Collection['type'],
    id: row.id,
    number: row.number,
    courierId: row.courierId,
    amount: row.amount,
    expected: row.expected,
    collectedAt: new Date(row.collectedAt),
    version: row.version,
    settledBy: row.settledBy,
    settledAt: row.settledAt === null ? null : new Date(row.settledAt),
  };
}

@Injectable()
export class TypeormCashBook extends CashBook {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get collections() {
    return this.unitOfWork.manager.getRepository(CashCollectionEntity);
  }

  async lockCourier(courierId: string): Promise<void> {
    await this.unitOfWork.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('courier-cash|' || $1, 0))`, [
      courierId,
    ]);
  }

  async collection(type: Collection['type'], id: string): Promise<Collection | undefined> {
    const row = await this.collections.findOneBy({ type, id });
    return row ? toCollection(row) : undefined;
  }

  async saveCollection(collection: Collection): Promise<void> {
    await this.collections.upsert({ ...collection }, ['type', 'id']);
  }

  async openCollections(courierId: string): Promise<Collection[]> {
    const rows = await this.collections
      .createQueryBuilder('c')
      .where('c.courier_id = :courierId AND c.settled_at IS NULL AND c.amount <> 0', { courierId })
      .orderBy('c.collected_at')
      .limit(500)
      .getMany();
    return rows.map(toCollection);
  }

  async heldFor(documentType: SettledType, documentId: string): Promise<{ count: number; held: Holding[] }> {
    const rows = await this.unitOfWork.manager.query<
      { courier_id: string; account: string; amount: string; n: number }[]
    >(
      `SELECT courier_id, account, sum(amount)::numeric(15,2)::text AS amount, count(*)::int AS n
         FROM cash_ledger_entries WHERE document_type = $1 AND document_id = $2
        GROUP BY courier_id, account`,
      [documentType, documentId],
    );
    return {
      count: rows.reduce((sum, row) => sum + row.n, 0),
      held: rows.map((row) => ({
        courierId: row.courier_id,
        account: row.account as LedgerAccount,
        amount: row.amount,
      })),
    };
  }

  async append(entries: readonly LedgerEntry[]): Promise<number> {
    const [, written] = await this.unitOfWork.manager.query<[unknown, number]>(
      `INSERT INTO cash_ledger_entries (key, courier_id, account, amount, document_type, document_id, occurred_at)
       SELECT key, courier_id, account, amount, document_type, document_id, occurred_at
         FROM jsonb_to_recordset($1::jsonb)
              AS x(key text, courier_id text, account text, amount numeric, document_type text, document_id text,
                   occurred_at timestamptz)
       ON CONFLICT (key) DO NOTHING`,
      [
        JSON.stringify(
          entries.map((entry) => ({
            key: entry.key,
            courier_id: entry.courierId,
            account: entry.account,
            amount: entry.amount,
            document_type: entry.documentType,
            document_id: entry.documentId,
            occurred_at: entry.occurredAt.toISOString(),
          })),
        ),
      ],
    );
    return written;
  }

  async balance(courierId: string): Promise<CourierBalance> {
    const [row] = await this.unitOfWork.manager.query<BalanceRow[]>(
      `WITH couriers_with_money AS (SELECT $1::text AS courier_id) ${BALANCES}`,
      [courierId],
    );
    return toBalance(row);
  }

  async balances(query: { readonly after?: string; readonly limit: number }): Promise<CourierBalance[]> {
    const rows = await this.unitOfWork.manager.query<BalanceRow[]>(
      `WITH couriers_with_money AS (
         SELECT DISTINCT courier_id FROM cash_ledger_entries WHERE $1::text IS NULL OR courier_id > $1
          ORDER BY courier_id LIMIT $2)
       ${BALANCES} ORDER BY c.courier_id`,
      [query.after ?? null, query.limit + 1],
    );
    return rows.map(toBalance);
  }
}
