import type { Delivery } from '../../domain/delivery';
import type { Trip, TripFlags } from '../../domain/trip';

/**
 * Port: the execution confirmation of a delivery's outcome to 1C. Called in the transaction of the outcome, so the
 * confirmation is sent (and re-sent until 1C takes it) exactly when the outcome commits.
 */
export abstract class DeliveryConfirmations {
  abstract outcomeReported(delivery: Delivery): Promise<void>;

  /** How an operator settled a collision over the delivery: 1C learns the value that now holds. */
  abstract collisionResolved(
    delivery: Delivery,
    resolution: {
      readonly collisionId: string;
      readonly field: string;
      readonly decision: string;
      readonly value: unknown;
    },
  ): Promise<void>;

  /**
   * A trip moved on: dispatched (its actual start), or closed (its actual end) with 1C's `Доставлено` flags per route
   * point and per order; a closed trip again when a correction changed a flag.
   */
  abstract tripProgressed(trip: Trip, flags: TripFlags): Promise<void>;
}
