import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to which record, when, and why: every back-office action leaves one row. */
@Entity({ name: 'admin_audit_log' })
@Index('idx_admin_audit_log_target', ['targetType', 'targetId'])
@Index('idx_admin_audit_log_occurred_at', ['occurredAt'])
@Index('idx_admin_audit_log_request_id', ['requestId'])
export class AdminAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Also the partition key (range-partitioned by time, see docs/operations/retention.md), hence in the key. */
  @PrimaryColumn({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** The token subject of the operator. */
  @Column({ type: 'text' })
  actor!: string;

  /** e.g. `dead_letter.replay`, `dead_letter.discard`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  targetType!: string;

  @Column({ type: 'text' })
  targetId!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;
}
