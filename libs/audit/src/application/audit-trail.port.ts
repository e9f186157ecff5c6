import type { AuditEntry, RecordedAuditEntry } from '../domain/audit-entry';

/**
 * The audit trail of business records. `record` joins the caller's unit of work, so an entry commits with the change
 * it describes or not at all; the request id is taken from the request context.
 */
export abstract class AuditTrail {
  abstract record(entry: AuditEntry): Promise<void>;
  /** A record's entries, oldest first. */
  abstract history(domain: string, entityType: string, entityId: string): Promise<RecordedAuditEntry[]>;
}
