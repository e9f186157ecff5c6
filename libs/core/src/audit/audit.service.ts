import { Injectable } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { UnitOfWork } from '../database/unit-of-work';
import { AdminAuditEntity } from './admin-audit.entity';

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
}

/** Writes audit rows in the caller's transaction, so an action and its audit record commit together or not at all. */
@Injectable()
export class AuditService {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.unitOfWork.manager.getRepository(AdminAuditEntity).insert({
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? null,
      details: (entry.details ?? {}) as never,
      requestId: RequestContext.requestId() ?? null,
    });
  }
}
