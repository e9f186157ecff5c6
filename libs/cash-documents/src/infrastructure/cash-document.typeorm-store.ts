import { EntitySql, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type CashDocumentListQuery, CashDocumentStore } from '../application/ports/cash-document-store.port';
import type { CashDocument, SettledType } from '../domain/cash-document';
import { CashDocumentEntity } from './cash-document.entity';
import { toCashDocument, toEntity } from './cash-document.mapper';

@Injectable()
export class TypeormCashDocumentStore extends CashDocumentStore {
  private rowSql?: EntitySql<CashDocumentEntity>;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(CashDocumentEntity);
  }

  private get sql(): EntitySql<CashDocumentEntity> {
    this.rowSql ??= new EntitySql(this.repository.metadata, ['id', 'numberSeq', 'createdAt']);
    return this.rowSql;
  }

  private async select(where: string, params: unknown[], tail = ''): Promise<CashDocument[]> {
    const rows = await this.unitOfWork.manager.query<CashDocumentEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table} WHERE ${where} ${tail}`,
      params,
    );
    return rows.map(toCashDocument);
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<CashDocument | undefined> {
    const [document] = await this.select('id = $1', [id], options.lock ? 'FOR UPDATE' : '');
    return document;
  }

  async byOriginKey(originKey: string): Promise<CashDocument | undefined> {
    const [document] = await this.select('origin_key = $1', [originKey]);
    return document;
  }

  async insert(document: Omit<CashDocument, 'number'>): Promise<CashDocument> {
    await this.repository.createQueryBuilder().insert().values(toEntity(document)).execute();
    return (await this.byId(document.id))!;
  }

  async update(document: CashDocument): Promise<void> {
    const set = this.sql.set(toEntity(document) as CashDocumentEntity, 3);
    const [, affected] = await this.unitOfWork.manager.query<[unknown, number]>(
      `UPDATE ${this.sql.table} SET ${set.sql} WHERE id = $1 AND version = $2`,
      [document.id, document.version - 1, ...set.params],
    );
    if (affected !== 1) {
      throw new Error(
        `Cash document ${document.id} changed under a held lock (version ${document.version - 1} expected)`,
      );
    }
  }

  settling(courierId: string, records: readonly { readonly type: SettledType; readonly id: string }[]) {
    if (records.length === 0) {
      return Promise.resolve([]);
    }
    return this.select(
      `courier_id = $1 AND status <> 'cancelled'
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(settles) s, jsonb_to_recordset($2::jsonb) AS r(type text, id text)
                      WHERE s->>'type' = r.type AND s->>'id' = r.id)`,
      [courierId, JSON.stringify(records.map(({ type, id }) => ({ type, id })))],
    );
  }

  closing(advanceId: string): Promise<CashDocument[]> {
    return this.select(`advance_id = $1 AND status <> 'cancelled'`, [advanceId]);
  }

  open(courierId: string): Promise<CashDocument[]> {
    return this.select(
      `courier_id = $1 AND status NOT IN ('posted', 'cancelled')`,
      [courierId],
      'ORDER BY created_at, id LIMIT 200',
    );
  }

  async list(query: CashDocumentListQuery): Promise<CashDocument[]> {
    const builder = this.repository.createQueryBuilder('d');
    const filters: [unknown, string][] = [
      [query.status, 'd.status = :status'],
      [query.operation, 'd.operation = :operation'],
      [query.courierId, 'd.courier_id = :courierId'],
      [
        query.settles,
        `d.settles @> jsonb_build_array(jsonb_build_object('type', :settledType::text, 'id', :settledId::text))`,
      ],
      [query.createdFrom, 'd.created_at >= :createdFrom'],
      [query.createdTo, 'd.created_at < :createdTo'],
    ];
    for (const [value, condition] of filters) {
      if (value !== undefined) {
        builder.andWhere(condition, { ...query, settledType: query.settles?.type, settledId: query.settles?.id });
      }
    }
    if (query.before !== undefined) {
      builder.andWhere('(d.created_at, d.id) < (:beforeAt::timestamptz, :beforeId::uuid)', {
        beforeAt: query.before.createdAt,
        beforeId: query.before.id,
      });
    }
    const rows = await builder
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return rows.map(toCashDocument);
  }
}
