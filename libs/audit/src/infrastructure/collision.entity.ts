import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Collision, CollisionDecision, CollisionStatus } from '../domain/collision';

@Entity({ name: 'collisions' })
@Index('idx_collisions_listing', ['createdAt', 'id'])
@Index('idx_collisions_entity', ['domain', 'entityType', 'entityId'])
@Index('idx_collisions_open', ['status'], { where: "status = 'open'" })
@Index('idx_collisions_resolved_at', ['resolvedAt'], { where: 'resolved_at IS NOT NULL' })
@Index('idx_collisions_request_id', ['requestId'])
@Index('idx_collisions_entity_ref', ['entityType', 'entityId'])
export class CollisionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  domain!: string;

  @Column({ type: 'text' })
  entityType!: string;

  @Column({ type: 'text' })
  entityId!: string;

  @Column({ type: 'text' })
  field!: string;

  @Column({ type: 'jsonb', nullable: true })
  proposed!: unknown;

  @Column({ type: 'text' })
  proposedBy!: string;

  @Column({ type: 'jsonb', nullable: true })
  held!: unknown;

  @Column({ type: 'text' })
  status!: CollisionStatus;

  @Column({ type: 'jsonb', nullable: true })
  resolution!: Collision['resolution'];

  /**
   * `resolution.decision` and `resolution.resolvedAt` as columns (written with it): the collisions report ranges over
   * the time through an index, which an expression on `jsonb` could not have (text to `timestamptz` is not immutable).
   */
  @Column({ type: 'text', nullable: true })
  decision!: CollisionDecision | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
