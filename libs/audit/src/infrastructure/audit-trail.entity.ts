import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: rows are never updated; retention, if ever, is by age. */
@Entity({ name: 'audit_trail' })
@Index('idx_audit_trail_entity', ['domain', 'entityType', 'entityId', 'id'])
@Index('idx_audit_trail_occurred_at', ['occurredAt'])
// The trace's lookups: a request's rows, and a record's rows whatever the domain that wrote them.
@Index('idx_audit_trail_request_id', ['requestId'])
@Index('idx_audit_trail_entity_ref', ['entityType', 'entityId', 'id'])
export class AuditTrailEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Also the partition key (range-partitioned by time, see docs/operations/retention.md), hence in the key. */
  @PrimaryColumn({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  domain!: string;

  @Column({ type: 'text' })
  entityType!: string;

  @Column({ type: 'text' })
  entityId!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;
}
