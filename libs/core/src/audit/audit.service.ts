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

/**
 * Writes `admin_audit_log` rows in the caller's transaction (or on their own outside one), so an action and its audit
 * record commit together or not at all. Every row carries the operator (the token's subject) and the request id of
 * the request context. Actions recorded here: `dead_letter.replay`, `dead_letter.bulk_replay`,
 * `dead_letter.discard`, `reconcile.start`, `bitrix24_installation.install|reinstall` and `sign_in` (the console's,
 * see {@link signIn}); changes to
 * business records (collision and deviation resolutions, delivery corrections) go to the audit trail
 * (`audit_trail`, `@app/audit`) with the same principal and request id.
 */
@Injectable()
export class AuditService {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * The console's sign-in: one `sign_in` row per successful sign-in, the subject as
   * both actor and target. `details` may carry e.g. the identity provider or the client's address; never a token.
   */
  signIn(subject: string, details: Record<string, unknown> = {}): Promise<void> {
    return this.record({ actor: subject, action: 'sign_in', targetType: 'principal', targetId: subject, details });
  }

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
