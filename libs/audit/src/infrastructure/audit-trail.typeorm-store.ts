import { type AppendOnlyTable, RequestContext, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../application/audit-trail.port';
import type { AuditEntry, AuditSource, RecordedAuditEntry } from '../domain/audit-entry';
import { AuditTrailEntity } from './audit-trail.entity';
import { AUDIT_TRAIL_INSERT_SQL } from './audit-trail-sql';

/** Entries go out with the transaction's other appends, in one statement before COMMIT, in the order recorded. */
const AUDIT_TRAIL: AppendOnlyTable<AuditEntry & { readonly requestId: string | null }> = {
  name: 'audit_trail',
  statement: (entries) => ({
    sql: AUDIT_TRAIL_INSERT_SQL,
    params: [
      JSON.stringify(
        entries.map((entry) => ({
          domain: entry.domain,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          action: entry.action,
          source: entry.source,
          actor: entry.actor,
          actor_role: entry.actorRole,
          before: entry.before,
          after: entry.after,
          details: entry.details ?? {},
          request_id: entry.requestId,
        })),
      ),
    ],
  }),
};

@Injectable()
export class TypeormAuditTrail extends AuditTrail {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  /** Resolves at once (the entry is written with the transaction's last statement); refuses outside one. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve) => {
      this.unitOfWork.append(AUDIT_TRAIL, [{ ...entry, requestId: RequestContext.requestId() ?? null }]);
      resolve();
    });
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
