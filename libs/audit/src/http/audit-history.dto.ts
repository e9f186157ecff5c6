import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_SOURCES, type RecordedAuditEntry } from '../domain/audit-entry';

/** One change of a business record as its detail page shows it: who, from where, and the status it moved between. */
export class AuditHistoryEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'status_changed' }) action!: string;
  @ApiProperty({ enum: AUDIT_SOURCES }) source!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ nullable: true, type: 'string' }) actorRole!: string | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'The status before the change.' }) from!: string | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'The status after the change.' }) to!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export function toAuditHistoryEntryDto(entry: RecordedAuditEntry): AuditHistoryEntryDto {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    action: entry.action,
    source: entry.source,
    actor: entry.actor,
    actorRole: entry.actorRole,
    from: (entry.before?.status as string | undefined) ?? null,
    to: (entry.after?.status as string | undefined) ?? null,
    requestId: entry.requestId,
    details: entry.details ?? {},
  };
}
