import { AuditTrail } from '@app/audit';
import { Injectable } from '@nestjs/common';
import type { Delivery } from '../domain/delivery';
import { deliveredFlags, progressOf, type Trip, type TripFlags } from '../domain/trip';
import { DeliveryConfirmations } from './ports/delivery-confirmations.port';
import { DeliveryStore } from './ports/delivery-store.port';
import { TripStore } from './ports/trip-store.port';

const tripState = (trip: Trip) => ({
  status: trip.status,
  actualStart: trip.actualStart?.toISOString() ?? null,
  actualEnd: trip.actualEnd?.toISOString() ?? null,
  version: trip.version,
});

/**
 * Moves a trip on from its deliveries, in the transaction of the delivery's change: the trip's row is locked after
 * the delivery's, so two deliveries ending at once are counted one after the other and the second sees the first.
 * 1C hears of each move (dispatched, closed) and of a correction that changes a closed trip's flags.
 */
@Injectable()
export class TripTracker {
  constructor(
    private readonly trips: TripStore,
    private readonly deliveries: DeliveryStore,
    private readonly confirmations: DeliveryConfirmations,
    private readonly audit: AuditTrail,
  ) {}

  /** `previously`: the changed delivery as it stood before, to tell whether a closed trip's flags moved. */
  async follow(tripId: string, previously?: Delivery): Promise<Trip | undefined> {
    const trip = await this.trips.byId(tripId, { lock: true });
    if (!trip) {
      return undefined;
    }
    const carried = await this.deliveries.byTrip(trip.id);
    const progress = progressOf(trip, carried, new Date());
    const flags = deliveredFlags(trip, carried);
    const moved = progress.status !== trip.status || progress.actualStart !== trip.actualStart;
    // Only a flag 1C keeps counts: an acknowledgement closing a delivery changes its status, not what was delivered.
    const delivered = (of: TripFlags) => JSON.stringify(of.orders.map((order) => order.delivered));
    const corrected =
      trip.status === 'closed' &&
      previously !== undefined &&
      delivered(
        deliveredFlags(
          trip,
          carried.map((delivery) => (delivery.id === previously.id ? previously : delivery)),
        ),
      ) !== delivered(flags);
    if (!moved && !corrected) {
      return trip;
    }
    const next: Trip = { ...trip, ...progress, version: trip.version + 1, updatedAt: new Date() };
    await this.trips.update(next);
    await this.audit.record({
      domain: 'deliveries',
      entityType: 'delivery_trip',
      entityId: trip.id,
      action: corrected ? 'reconfirmed' : next.status,
      source: 'system',
      actor: 'system',
      actorRole: null,
      before: tripState(trip),
      after: tripState(next),
      details: previously ? { delivery: previously.id } : {},
    });
    await this.confirmations.tripProgressed(next, flags);
    return next;
  }
}
