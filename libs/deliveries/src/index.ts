// Registers the lib's configuration section (`config.deliveries`) with core's loader before anything loads it.
import './deliveries.config';

// The deliveries lib's public surface: its modules for the apps, its domain vocabulary, and its entities.
export * from './deliveries.module';
export * from './deliveries-api.module';
export * from './deliveries-worker.module';
// What other domains ask of deliveries (an instant order names the delivery it was sold on).
export { DeliveriesService } from './application/deliveries.service';
// Its recurring job, for the worker's list (apps/worker/src/recurring-jobs.ts).
export { DeliveriesConfirmationResendJob } from './jobs/confirmation-resend.job';
export { DELIVERY_BOARD_KIND } from './domain/delivery-board';
export * from './domain/delivery-status';
export * from './domain/delivery-lines';
export { DELIVERY_EXECUTION_CONFIRMED } from './infrastructure/outbox-delivery-confirmations.adapter';

import { DeliveryEntity } from './infrastructure/delivery.entity';
import { TripEntity } from './infrastructure/trip.entity';

/** Entities owned by deliveries; migrations/schema.ts lists every lib's. */
export const DELIVERIES_ENTITIES = [DeliveryEntity, TripEntity];
