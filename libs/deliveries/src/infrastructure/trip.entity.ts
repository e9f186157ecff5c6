import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RoutePoint, TripOrder, TripStatus } from '../domain/trip';

/** A courier's run («Задание на перевозку»); its orders name the deliveries it carries. */
@Entity({ name: 'delivery_trips' })
@Index('uq_delivery_trips_onec_id', ['onecId'], { unique: true })
export class TripEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  onecId!: string;

  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  status!: TripStatus;

  @Column({ type: 'text' })
  courierId!: string;

  @Column({ type: 'text', nullable: true })
  vehicle!: string | null;

  @Column({ type: 'text' })
  warehouseId!: string;

  @Column({ type: 'timestamptz', nullable: true })
  plannedStart!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  plannedEnd!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  actualStart!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  actualEnd!: Date | null;

  @Column({ type: 'jsonb' })
  routePoints!: RoutePoint[];

  @Column({ type: 'jsonb' })
  orders!: TripOrder[];

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
