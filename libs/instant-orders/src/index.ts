// Registers the lib's configuration section (`config.instantOrders`) with core's loader before anything loads it.
import './instant-orders.config';

// The instant orders lib's public surface: its modules for the apps, its domain vocabulary, and its entities.
export * from './instant-orders.module';
export * from './instant-orders-api.module';
export * from './instant-orders-worker.module';
export * from './domain/instant-order-status';
// What other domains ask of instant orders (a return names the order it undoes).
export { InstantOrdersService } from './application/instant-orders.service';
export { INSTANT_ORDER_SUBMITTED } from './infrastructure/outbox-order-publication.adapter';
export { INSTANT_ORDER_OPERATION } from './infrastructure/onec-sale-document.mapper';

import { InstantOrderEntity, StockReservationEntity } from './infrastructure/instant-order.entity';

/** Entities owned by instant orders; migrations/schema.ts lists every lib's. */
export const INSTANT_ORDERS_ENTITIES = [InstantOrderEntity, StockReservationEntity];
