import { isRequestQuery, type TraceEntry, type TraceQuery, TraceSource } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrailEntity } from './audit-trail.entity';
import { CollisionEntity } from './collision.entity';

/**
 * The records' audit trail and their collisions, by the request that wrote them or by record (`delivery:<id>` is
 * entity type `delivery`, whatever the domain). Before and after states stay out: the history endpoints show them.
 */
@Injectable()
export class AuditTraceSource extends TraceSource {
  readonly name = 'audit';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async entries(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const where = isRequestQuery(query)
      ? { requestId: query.requestId }
      : { entityType: query.entity.type, entityId: query.entity.id };
    const [trail, collisions] = await Promise.all([
      this.dataSource.getRepository(AuditTrailEntity).find({
        select: {
          id: true,
          occurredAt: true,
          domain: true,
          entityType: true,
          entityId: true,
          action: true,
          source: true,
          actor: true,
          actorRole: true,
          requestId: true,
        },
        where,
        order: { id: 'ASC' },
        take: limit,
      }),
      this.dataSource.getRepository(CollisionEntity).find({
        select: {
          id: true,
          domain: true,
          entityType: true,
          entityId: true,
          field: true,
          proposedBy: true,
          status: true,
          requestId: true,
          createdAt: true,
        },
        where,
        order: { createdAt: 'ASC' },
        take: limit,
      }),
    ]);
    return [
      ...trail.map((row): TraceEntry => ({
        id: `audit_trail:${row.id}`,
        at: row.occurredAt.toISOString(),
        kind: 'audit',
        source: this.name,
        summary: `${row.entityType}:${row.entityId} ${row.action} by ${row.actor} via ${row.source}`,
        requestId: row.requestId,
        entity: { type: row.entityType, id: row.entityId },
        details: {
          auditId: row.id,
          domain: row.domain,
          action: row.action,
          source: row.source,
          actor: row.actor,
          actorRole: row.actorRole,
        },
      })),
      ...collisions.map((row): TraceEntry => ({
        id: `collisions:${row.id}`,
        at: row.createdAt.toISOString(),
        kind: 'collision',
        source: this.name,
        summary: `${row.entityType}:${row.entityId} ${row.field} proposed by ${row.proposedBy}: ${row.status}`,
        requestId: row.requestId,
        entity: { type: row.entityType, id: row.entityId },
        details: {
          collisionId: row.id,
          domain: row.domain,
          field: row.field,
          proposedBy: row.proposedBy,
          status: row.status,
        },
      })),
    ];
  }
}
