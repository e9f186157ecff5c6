import { randomUUID } from 'node:crypto';
import { durationStatsSql, type ReportPeriod, RequestContext, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type CollisionListQuery, type CollisionReportRow, CollisionStore } from '../application/collisions.port';
import type { Collision, CollisionSide, NewCollision } from '../domain/collision';
import { CollisionEntity } from './collision.entity';

function toCollision(row: CollisionEntity): Collision {
  return {
    id: row.id,
    domain: row.domain,
    entityType: row.entityType,
    entityId: row.entityId,
    field: row.field,
    proposed: row.proposed,
    proposedBy: row.proposedBy as CollisionSide,
    held: row.held,
    status: row.status,
    resolution: row.resolution,
    requestId: row.requestId,
    createdAt: row.createdAt,
  };
}

/**
 * Collisions opened or resolved in the period, each an index range scan (`idx_collisions_listing`,
 * `idx_collisions_resolved_at`) joined by a bitmap OR; the time to resolve is taken over those resolved in it.
 */
const COLLISIONS_REPORT_SQL = `
  WITH touched AS (
    SELECT domain, field, decision, created_at, resolved_at,
           created_at >= $1 AND created_at < $2 AS opened_in,
           coalesce(resolved_at >= $1 AND resolved_at < $2, false) AS resolved_in
      FROM collisions
     WHERE (created_at >= $1 AND created_at < $2) OR (resolved_at >= $1 AND resolved_at < $2)
  )
  SELECT domain, field, decision,
         (count(*) FILTER (WHERE opened_in))::int AS opened,
         (count(*) FILTER (WHERE resolved_in))::int AS resolved,
         ${durationStatsSql('resolved_at - created_at', 'timeToResolve', 'resolved_in')}
    FROM touched
   GROUP BY domain, field, decision
   ORDER BY domain, field, decision NULLS FIRST`;

@Injectable()
export class TypeormCollisionStore extends CollisionStore {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(CollisionEntity);
  }

  async record(collision: NewCollision): Promise<Collision> {
    // Raw, so that jsonb values of any shape (a string, an object) are stored as JSON; jsonb equality ignores key order.
    const [{ id }] = await this.unitOfWork.manager.query<{ id: string }[]>(
      `WITH twin AS (
         SELECT id FROM collisions
          WHERE status = 'open' AND domain = $2 AND entity_type = $3 AND entity_id = $4 AND field = $5
            AND proposed = $6::jsonb
          LIMIT 1
       ), created AS (
         INSERT INTO collisions (id, domain, entity_type, entity_id, field, proposed, proposed_by, held, status, request_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'open', $9
          WHERE NOT EXISTS (SELECT 1 FROM twin)
         RETURNING id
       )
       SELECT id FROM created UNION ALL SELECT id FROM twin`,
      [
        randomUUID(),
        collision.domain,
        collision.entityType,
        collision.entityId,
        collision.field,
        JSON.stringify(collision.proposed ?? null),
        collision.proposedBy,
        JSON.stringify(collision.held ?? null),
        RequestContext.requestId() ?? null,
      ],
    );
    return (await this.byId(id))!;
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<Collision | undefined> {
    const row = await this.repository.findOne({
      where: { id },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return row ? toCollision(row) : undefined;
  }

  async list(query: CollisionListQuery): Promise<Collision[]> {
    const builder = this.repository.createQueryBuilder('c');
    if (query.domain !== undefined) {
      builder.andWhere('c.domain = :domain', { domain: query.domain });
    }
    if (query.entityId !== undefined) {
      builder.andWhere('c.entity_id = :entityId', { entityId: query.entityId });
    }
    if (query.status !== undefined) {
      builder.andWhere('c.status = :status', { status: query.status });
    }
    if (query.before !== undefined) {
      builder.andWhere('(c.created_at, c.id) < (:beforeAt::timestamptz, :beforeId::uuid)', {
        beforeAt: query.before.createdAt,
        beforeId: query.before.id,
      });
    }
    const rows = await builder
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return rows.map(toCollision);
  }

  async resolve(id: string, resolution: NonNullable<Collision['resolution']>): Promise<Collision> {
    await this.unitOfWork.manager.query(
      `UPDATE collisions SET status = 'resolved', resolution = $2, decision = $3, resolved_at = $4 WHERE id = $1`,
      [id, JSON.stringify(resolution), resolution.decision, resolution.resolvedAt],
    );
    return (await this.byId(id))!;
  }

  report({ from, to }: ReportPeriod): Promise<CollisionReportRow[]> {
    return this.unitOfWork.manager.query<CollisionReportRow[]>(COLLISIONS_REPORT_SQL, [from, to]);
  }
}
