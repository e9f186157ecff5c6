import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type IntegrationDirection = 'inbound' | 'outbound';
export type IntegrationOutcome = 'success' | 'failure';

/**
 * One exchange with an external system (1C, Bitrix24, notification channels). Rows are append-only and purged by
 * age, so `occurred_at` is indexed for range deletes and `id` doubles as the keyset cursor.
 */
@Entity({ name: 'integration_log' })
@Index('idx_integration_log_occurred_at', ['occurredAt'])
@Index('idx_integration_log_request_id', ['requestId'])
@Index('idx_integration_log_entity', ['entityType', 'entityId'])
@Index('idx_integration_log_system_id', ['system', 'id'])
export class IntegrationLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Also the partition key (range-partitioned by time, see docs/operations/retention.md), hence in the key. */
  @PrimaryColumn({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  direction!: IntegrationDirection;

  /** e.g. `bitrix24`, `onec`. */
  @Column({ type: 'text' })
  system!: string;

  /** e.g. `crm.item.add`, `exchange.catalog.import`. */
  @Column({ type: 'text' })
  operation!: string;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  entityType!: string | null;

  @Column({ type: 'text', nullable: true })
  entityId!: string | null;

  @Column({ type: 'text', nullable: true })
  httpMethod!: string | null;

  /** Always stored with secrets removed (webhook secret path segment, tokens in the query). */
  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ type: 'text' })
  outcome!: IntegrationOutcome;

  @Column({ type: 'smallint', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'integer', nullable: true })
  durationMs!: number | null;

  /** Redacted and capped; a truncated body ends with a marker saying how much was cut. */
  @Column({ type: 'text', nullable: true })
  requestBody!: string | null;

  @Column({ type: 'text', nullable: true })
  responseBody!: string | null;

  @Column({ type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage!: string | null;
}
