import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { TripStore } from '../application/ports/trip-store.port';
import type { Trip } from '../domain/trip';
import { TripEntity } from './trip.entity';

/** The entity's columns are the domain's fields one to one. */
const toTrip = (row: TripEntity): Trip => ({ ...row });

@Injectable()
export class TypeormTripStore extends TripStore {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get repository() {
    return this.unitOfWork.manager.getRepository(TripEntity);
  }

  async lockOnecId(onecId: string): Promise<void> {
    await this.unitOfWork.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('delivery_trip:' || $1, 0))`, [
      onecId,
    ]);
  }

  async byOnecId(onecId: string): Promise<Trip | undefined> {
    const row = await this.repository.findOneBy({ onecId });
    return row ? toTrip(row) : undefined;
  }

  async byId(id: string, options: { readonly lock?: boolean } = {}): Promise<Trip | undefined> {
    const row = await this.repository.findOne({
      where: { id },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return row ? toTrip(row) : undefined;
  }

  async insert(trip: Trip): Promise<void> {
    await this.repository.insert({ ...trip, routePoints: [...trip.routePoints], orders: [...trip.orders] });
  }

  async update(trip: Trip): Promise<void> {
    const { id, createdAt: _createdAt, ...changes } = trip;
    const result = await this.repository
      .createQueryBuilder()
      .update()
      .set({ ...changes, routePoints: [...changes.routePoints], orders: [...changes.orders] })
      .where('id = :id AND version = :previous', { id, previous: trip.version - 1 })
      .execute();
    if (result.affected !== 1) {
      throw new Error(`Trip ${id} changed under a held lock (version ${trip.version - 1} expected)`);
    }
  }
}
