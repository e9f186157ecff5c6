/** Where a change came from: 1C, a courier over REST, the courier in Bitrix24, an operator, or our own rules. */
export const AUDIT_SOURCES = ['1c', 'courier-rest', 'bitrix24', 'admin', 'system'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/** One state change of a business record, written in the transaction of the change itself. */
export interface AuditEntry {
  /** The domain lib that owns the record: `deliveries`, `instant-orders`, … */
  readonly domain: string;
  /** The record's type within the domain (`delivery`, `trip`) and our id of it. */
  readonly entityType: string;
  readonly entityId: string;
  /** What happened: `created`, `updated`, `status_changed`, `corrected`, … */
  readonly action: string;
  readonly source: AuditSource;
  /** Who: the token's subject (or `system`) and the role it acted in. */
  readonly actor: string;
  readonly actorRole: string | null;
  /** The state before and after; null for a creation's before. */
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  /** Anything else worth keeping: a correction's reason, a failure reason, the Bitrix24 event. */
  readonly details?: Record<string, unknown>;
}

export interface RecordedAuditEntry extends AuditEntry {
  readonly id: string;
  readonly requestId: string | null;
  readonly occurredAt: Date;
}
