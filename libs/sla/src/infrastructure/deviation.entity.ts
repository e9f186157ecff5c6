import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeviationResolver, DeviationStatus } from '../domain/deviation';

/**
 * The deviations of the SLA rules. At most one open per (rule, subject): the partial unique index is what keeps two
 * evaluations racing past the rule's lock (there should be none) from opening a second one.
 */
@Entity({ name: 'sla_deviations' })
@Index('uq_sla_deviations_open', ['rule', 'subject'], { unique: true, where: "status = 'open'" })
@Index('idx_sla_deviations_listing', ['firstSeen', 'id'])
@Index('idx_sla_deviations_episode', ['rule', 'subject', 'since'])
@Index('idx_sla_deviations_courier', ['courierId', 'firstSeen'])
/** The trace's lookup of a record's deviations (`delivery:<id>`), across rules. */
@Index('idx_sla_deviations_subject', ['subject', 'firstSeen'])
export class DeviationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  rule!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', nullable: true })
  courierId!: string | null;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'text' })
  status!: DeviationStatus;

  /** In the rule's unit, as the probe wrote it. */
  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'text' })
  threshold!: string;

  @Column({ type: 'timestamptz' })
  since!: Date;

  @Column({ type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  resolvedBy!: DeviationResolver | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'text' })
  link!: string;
}
