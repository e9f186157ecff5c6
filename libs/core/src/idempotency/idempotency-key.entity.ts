import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One remembered outcome of a state-changing request. The primary key is the scope (who, which operation) plus
 * the client's key, so two principals can never see each other's responses even with the same key.
 */
@Entity({ name: 'idempotency_keys' })
@Index('idx_idempotency_keys_expires_at', ['expiresAt'])
/** The trace's `http_request` entry: the request's record, by its request id. */
@Index('idx_idempotency_keys_request_id', ['requestId'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text' })
  principal!: string;

  @PrimaryColumn({ type: 'text' })
  method!: string;

  @PrimaryColumn({ type: 'text' })
  route!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /**
   * SHA-256 of the canonical request (body, path parameters, query): the same key on another resource or with
   * another body is a client bug, answered 422.
   */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  @Column({ type: 'smallint' })
  responseStatus!: number;

  @Column({ type: 'jsonb' })
  responseHeaders!: Record<string, string>;

  @Column({ type: 'text' })
  responseBody!: string;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
