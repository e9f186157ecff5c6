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

/** Who acts, for the audit trail: the role a request acts in, its subject, and where the change comes from. */
export interface AuditActor<Role extends string = 'admin' | '1c' | 'courier' | 'system'> {
  readonly actor: Role;
  readonly subject: string;
  readonly source: AuditSource;
}

/**
 * The actor of an API request: an admin token acts as the back office, a `1c` token as 1C, any other as the courier
 * over REST (the Bitrix24 doors name their own source).
 */
export function auditActorOf(principal: {
  readonly subject: string;
  readonly roles: readonly string[];
}): AuditActor<'admin' | '1c' | 'courier'> {
  if (principal.roles.includes('admin')) {
    return { actor: 'admin', subject: principal.subject, source: 'admin' };
  }
  if (principal.roles.includes('1c')) {
    return { actor: '1c', subject: principal.subject, source: '1c' };
  }
  return { actor: 'courier', subject: principal.subject, source: 'courier-rest' };
}
