import { EntitySql, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type InstantOrderListQuery, InstantOrderStore } from '../application/ports/instant-order-store.port';
import type { InstantOrder } from '../domain/instant-order';
import { InstantOrderEntity } from './instant-order.entity';
import { toEntity, toInstantOrder } from './instant-order.mapper';

@Injectable()
export class TypeormInstantOrderStore extends InstantOrderStore {
  private rowSql?: EntitySql<InstantOrderEntity>;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(InstantOrderEntity);
  }

  private get sql(): EntitySql<InstantOrderEntity> {
    this.rowSql ??= new EntitySql(this.repository.metadata, ['id', 'numberSeq', 'createdAt']);
    return this.rowSql;
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<InstantOrder | undefined> {
    const [row] = await this.unitOfWork.manager.query<InstantOrderEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table} WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ? toInstantOrder(row) : undefined;
  }

  async insert(order: Omit<InstantOrder, 'number'>): Promise<InstantOrder> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .values(toEntity(order))
      .returning(['numberSeq'])
      .execute();
    const [{ number_seq: numberSeq }] = result.raw as { number_seq: string }[];
    return (await this.byId(order.id)) ?? toInstantOrder({ ...toEntity(order), numberSeq });
  }

  async update(order: InstantOrder): Promise<void> {
    const set = this.sql.set(toEntity(order) as InstantOrderEntity, 3);
    const [, affected] = await this.unitOfWork.manager.query<[unknown, number]>(
      `UPDATE ${this.sql.table} SET ${set.sql} WHERE id = $1 AND version = $2`,
      [order.id, order.version - 1, ...set.params],
    );
    if (affected !== 1) {
      throw new Error(`Instant order ${order.id} changed under a held lock (version ${order.version - 1} expected)`);
    }
  }

  async waitingForOnec(limit: number): Promise<InstantOrder[]> {
    const rows = await this.unitOfWork.manager.query<InstantOrderEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table} WHERE status = 'accepted' ORDER BY updated_at, id LIMIT $1`,
      [limit],
    );
    return rows.map(toInstantOrder);
  }

  async list(query: InstantOrderListQuery): Promise<InstantOrder[]> {
    const builder = this.repository.createQueryBuilder('o');
    const filters: [unknown, string][] = [
      [query.status, 'o.status = :status'],
      [query.courierId, 'o.courier_id = :courierId'],
      [query.counterpartyId, 'o.counterparty_id = :counterpartyId'],
      [query.deliveryId, 'o.delivery_id = :deliveryId'],
      [query.soldFrom, 'o.sold_at >= :soldFrom'],
      [query.soldTo, 'o.sold_at < :soldTo'],
    ];
    for (const [value, condition] of filters) {
      if (value !== undefined) {
        builder.andWhere(condition, { ...query });
      }
    }
    if (query.before !== undefined) {
      builder.andWhere('(o.created_at, o.id) < (:beforeAt::timestamptz, :beforeId::uuid)', {
        beforeAt: query.before.createdAt,
        beforeId: query.before.id,
      });
    }
    const rows = await builder
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return rows.map(toInstantOrder);
  }
}
