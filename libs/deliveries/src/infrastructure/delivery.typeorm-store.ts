import { EntitySql, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import {
  type DeliveryListQuery,
  DeliveryStore,
  type UnacknowledgedOutcome,
} from '../application/ports/delivery-store.port';
import type { Delivery } from '../domain/delivery';
import { OUTCOME_STATUSES } from '../domain/delivery-status';
import { DeliveryEntity } from './delivery.entity';
import { toDelivery, toEntity } from './delivery.mapper';

/** Outcomes wait for 1C's acknowledgement; `closed` is acknowledged. */
const OUTCOMES = OUTCOME_STATUSES.map((status) => `'${status}'`).join(', ');

@Injectable()
export class TypeormDeliveryStore extends DeliveryStore {
  private rowSql?: EntitySql<DeliveryEntity>;

  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(DeliveryEntity);
  }

  /** Plain SQL for a courier's status change, the busiest write: read under lock and update by the version. */
  private get sql(): EntitySql<DeliveryEntity> {
    this.rowSql ??= new EntitySql(this.repository.metadata, ['id', 'createdAt']);
    return this.rowSql;
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<Delivery | undefined> {
    const [row] = await this.unitOfWork.manager.query<DeliveryEntity[]>(
      `SELECT ${this.sql.columns} FROM ${this.sql.table} WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ? toDelivery(row) : undefined;
  }

  async byDocument(onecDocumentId: string): Promise<Delivery | undefined> {
    const row = await this.repository.findOneBy({ onecDocumentId });
    return row ? toDelivery(row) : undefined;
  }

  async byTrip(tripId: string): Promise<Delivery[]> {
    return (await this.repository.find({ where: { tripId }, order: { createdAt: 'ASC' } })).map(toDelivery);
  }

  async assignTrip(tripId: string, deliveryIds: readonly string[]): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE deliveries SET trip_id = CASE WHEN id = ANY($2::uuid[]) THEN $1::uuid END
        WHERE trip_id = $1::uuid OR id = ANY($2::uuid[])`,
      [tripId, [...deliveryIds]],
    );
  }

  async insert(delivery: Delivery): Promise<'inserted' | 'document_taken'> {
    const result = await this.repository
      .createQueryBuilder()
      .insert()
      .values(toEntity(delivery))
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length === 1 ? 'inserted' : 'document_taken';
  }

  async update(delivery: Delivery, previous: Delivery): Promise<void> {
    const set = this.sql.set(toEntity(delivery), 3, toEntity(previous));
    const [, affected] = await this.unitOfWork.manager.query<[unknown, number]>(
      `UPDATE ${this.sql.table} SET ${set.sql} WHERE id = $1 AND version = $2`,
      [delivery.id, delivery.version - 1, ...set.params],
    );
    if (affected !== 1) {
      throw new Error(`Delivery ${delivery.id} changed under a held lock (version ${delivery.version - 1} expected)`);
    }
  }

  async dueForResend(baseMs: number, capMs: number, limit: number): Promise<Delivery[]> {
    const rows = await this.repository
      .createQueryBuilder('d')
      .where(`d.status IN (${OUTCOMES})`)
      .andWhere(
        `d.confirmation_sent_at <= now() - least(:capMs::bigint, :baseMs::bigint * power(2, greatest(d.confirmations_sent - 1, 0))::bigint) * interval '1 millisecond'`,
        { baseMs, capMs },
      )
      .orderBy('d.confirmation_sent_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    return rows.map(toDelivery);
  }

  async markConfirmationSent(id: string): Promise<void> {
    await this.unitOfWork.manager.query(
      'UPDATE deliveries SET confirmation_sent_at = now(), confirmations_sent = confirmations_sent + 1 WHERE id = $1',
      [id],
    );
  }

  async unacknowledgedCounts(overdueBefore: Date): Promise<{ readonly all: number; readonly overdue: number }> {
    const [row] = await this.unitOfWork.manager.query<{ all: number; overdue: number }[]>(
      `SELECT count(*)::int AS all, (count(*) FILTER (WHERE updated_at < $1))::int AS overdue
         FROM deliveries WHERE status IN (${OUTCOMES})`,
      [overdueBefore],
    );
    return row;
  }

  async unacknowledged(reportedBefore: Date): Promise<UnacknowledgedOutcome[]> {
    return this.unitOfWork.manager.query<UnacknowledgedOutcome[]>(
      `SELECT id, document_number AS "documentNumber", courier_id AS "courierId", updated_at AS "reportedAt"
         FROM deliveries WHERE status IN (${OUTCOMES}) AND updated_at < $1 ORDER BY updated_at`,
      [reportedBefore],
    );
  }

  async list(query: DeliveryListQuery): Promise<Delivery[]> {
    const builder = this.repository.createQueryBuilder('d');
    if (query.status !== undefined) {
      builder.andWhere('d.status = :status', { status: query.status });
    }
    if (query.courierId !== undefined) {
      builder.andWhere('d.courier_id = :courierId', { courierId: query.courierId });
    }
    if (query.counterpartyId !== undefined) {
      builder.andWhere('d.counterparty_id = :counterpartyId', { counterpartyId: query.counterpartyId });
    }
    if (query.onecDocumentId !== undefined) {
      builder.andWhere('d.onec_document_id = :onecDocumentId', { onecDocumentId: query.onecDocumentId });
    }
    if (query.createdFrom !== undefined) {
      builder.andWhere('d.created_at >= :createdFrom', { createdFrom: query.createdFrom });
    }
    if (query.unacknowledgedBefore !== undefined) {
      builder.andWhere(`d.status IN (${OUTCOMES}) AND d.updated_at < :unacknowledgedBefore`, {
        unacknowledgedBefore: query.unacknowledgedBefore,
      });
    }
    if (query.createdTo !== undefined) {
      builder.andWhere('d.created_at < :createdTo', { createdTo: query.createdTo });
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
    return rows.map(toDelivery);
  }
}
