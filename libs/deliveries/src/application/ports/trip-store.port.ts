import type { Trip } from '../../domain/trip';

/** Port: the trips' table. Every method runs in the ambient transaction (`UnitOfWork`). */
export abstract class TripStore {
  /**
   * Serialises the writes of one 1C trip until the transaction ends, before any delivery of it is locked: two sends
   * of the same new trip cannot both create it, and a courier's status change (delivery, then trip) cannot deadlock
   * with it.
   */
  abstract lockOnecId(onecId: string): Promise<void>;

  abstract byOnecId(onecId: string): Promise<Trip | undefined>;

  /** `lock`: held until the transaction ends, so the deliveries of one trip move it on one at a time. */
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Trip | undefined>;

  abstract insert(trip: Trip): Promise<void>;

  /** Writes `trip` over the row whose version is `trip.version - 1`; throws if that row moved on. */
  abstract update(trip: Trip): Promise<void>;
}
