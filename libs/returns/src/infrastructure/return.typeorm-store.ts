import { EntitySql, ExactDecimal, MONEY_SCALE, QUANTITY_SCALE, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type ReturnListQuery, ReturnStore } from '../application/ports/return-store.port';
import type { OriginalSaleRef, Return, ReturnLine } from '../domain/return';
import type { ReturnedSoFar } from '../domain/return-lines';
import { ReturnEntity } from './return.entity';
import { toEntity, toReturn } from './return.mapper';

@Injectable()
export class TypeormReturnStore extends ReturnStore {
  private rowSql?: EntitySql<ReturnEntity>;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(ReturnEntity);
  }

  private get sql(): EntitySql<ReturnEntity> {
    this.rowSql ??= new EntitySql(this.repository.metadata, ['id', 'numberSeq', 'createdAt']);
    return this.rowSql;
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<Return | undefined> {
    const [row] = await this.unitOfWork.manager.query<ReturnEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table} WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ? toReturn(row) : undefined;
  }

  async lockSale(sale: OriginalSaleRef): Promise<void> {
    await this.unitOfWork.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('return-of|' || $1, 0))`, [
      `${sale.kind}:${sale.id}`,
    ]);
  }

  async returnedSoFar(sale: OriginalSaleRef): Promise<Map<number, ReturnedSoFar>> {
    const rows = await this.unitOfWork.manager.query<{ items: ReturnLine[] }[]>(
      `SELECT items FROM returns WHERE sale_kind = $1 AND sale_id = $2 AND status <> 'rejected'`,
      [sale.kind, sale.id],
    );
    const totals = new Map<number, { quantity: ExactDecimal; refund: ExactDecimal }>();
    for (const line of rows.flatMap((row) => row.items)) {
      const sum = totals.get(line.lineNo) ?? {
        quantity: ExactDecimal.zero(QUANTITY_SCALE),
        refund: ExactDecimal.zero(MONEY_SCALE),
      };
      totals.set(line.lineNo, {
        quantity: sum.quantity.plus(ExactDecimal.parse(line.quantity, QUANTITY_SCALE)),
        refund: sum.refund.plus(ExactDecimal.parse(line.refund, MONEY_SCALE)),
      });
    }
    return new Map(
      [...totals].map(([lineNo, sum]) => [
        lineNo,
        { quantity: sum.quantity.toString(), refund: sum.refund.toString() },
      ]),
    );
  }

  async insert(entry: Omit<Return, 'number'>): Promise<Return> {
    await this.repository.createQueryBuilder().insert().values(toEntity(entry)).execute();
    return (await this.byId(entry.id))!;
  }

  async update(entry: Return): Promise<void> {
    const set = this.sql.set(toEntity(entry) as ReturnEntity, 3);
    const [, affected] = await this.unitOfWork.manager.query<[unknown, number]>(
      `UPDATE ${this.sql.table} SET ${set.sql} WHERE id = $1 AND version = $2`,
      [entry.id, entry.version - 1, ...set.params],
    );
    if (affected !== 1) {
      throw new Error(`Return ${entry.id} changed under a held lock (version ${entry.version - 1} expected)`);
    }
  }

  async waitingForOnec(limit: number): Promise<Return[]> {
    const rows = await this.unitOfWork.manager.query<ReturnEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table}
        WHERE status = 'received' AND (exported_version IS NULL OR exported_version < version)
        ORDER BY updated_at, id LIMIT $1`,
      [limit],
    );
    return rows.map(toReturn);
  }

  async list(query: ReturnListQuery): Promise<Return[]> {
    const builder = this.repository.createQueryBuilder('r');
    const filters: [unknown, string][] = [
      [query.status, 'r.status = :status'],
      [query.courierId, 'r.courier_id = :courierId'],
      [query.counterpartyId, 'r.counterparty_id = :counterpartyId'],
      [query.sale, 'r.sale_kind = :saleKind AND r.sale_id = :saleId'],
      [query.createdFrom, 'r.created_at >= :createdFrom'],
      [query.createdTo, 'r.created_at < :createdTo'],
    ];
    for (const [value, condition] of filters) {
      if (value !== undefined) {
        builder.andWhere(condition, { ...query, saleKind: query.sale?.kind, saleId: query.sale?.id });
      }
    }
    if (query.before !== undefined) {
      builder.andWhere('(r.created_at, r.id) < (:beforeAt::timestamptz, :beforeId::uuid)', {
        beforeAt: query.before.createdAt,
        beforeId: query.before.id,
      });
    }
    const rows = await builder
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return rows.map(toReturn);
  }
}
