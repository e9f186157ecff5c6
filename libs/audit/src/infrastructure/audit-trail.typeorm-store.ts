import { RequestContext, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../application/audit-trail.port';
import type { AuditEntry, AuditSource, RecordedAuditEntry } from '../domain/audit-entry';
import { AuditTrailEntity } from './audit-trail.entity';

@Injectable()
export class TypeormAuditTrail extends AuditTrail {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    if (!this.unitOfWork.inTransaction) {
      throw new Error('AuditTrail.record must run inside UnitOfWork.run(), in the transaction of the change');
    }
    await this.unitOfWork.manager.query(
      `INSERT INTO audit_trail
              (domain, entity_type, entity_id, action, source, actor, actor_role, before, after, details, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        entry.domain,
        entry.entityType,
        entry.entityId,
        entry.action,
        entry.source,
        entry.actor,
        entry.actorRole,
        entry.before === null ? null : JSON.stringify(entry.before),
        entry.after === null ? null : JSON.stringify(entry.after),
        JSON.stringify(entry.details ?? {}),
        RequestContext.requestId() ?? null,
      ],
    );
  }

  async history(domain: string, entityType: string, entityId: string): Promise<RecordedAuditEntry[]> {
    const rows = await this.unitOfWork.manager
      .getRepository(AuditTrailEntity)
      .find({ where: { domain, entityType, entityId }, order: { id: 'ASC' } });
    return rows.map((row) => ({
      id: row.id,
      domain: row.domain,
      entityType: row.entityType,
      entityId: row.entityId,
      action: row.action,
      source: row.source as AuditSource,
      actor: row.actor,
      actorRole: row.actorRole,
      before: row.before,
      after: row.after,
      details: row.details,
      requestId: row.requestId,
      occurredAt: row.occurredAt,
    }));
  }
}
