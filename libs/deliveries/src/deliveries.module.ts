import { EventsModule } from '@app/events';
import { SlaModule } from '@app/sla';
import { Module } from '@nestjs/common';
import { DeliveriesCollisionResolver } from './application/deliveries-collision.resolver';
import { DeliveriesService } from './application/deliveries.service';
import { DeliveryBoard } from './application/ports/delivery-board.port';
import { DeliveryConfirmations } from './application/ports/delivery-confirmations.port';
import { DeliveryReports } from './application/ports/delivery-reports.port';
import { DeliveryStore } from './application/ports/delivery-store.port';
import { ReferenceCheck } from './application/ports/reference-check.port';
import { TripStore } from './application/ports/trip-store.port';
import { TripTracker } from './application/trip-tracker';
import { TripsService } from './application/trips.service';
import { DeliveriesBitrix24Bindings } from './infrastructure/bitrix24-bindings.module';
import { Bitrix24DeliveryBoard } from './infrastructure/bitrix24-delivery-board.adapter';
import { DeliveriesInboundHandler } from './infrastructure/bitrix24-inbound.handler';
import { ConfirmationSlaProbe } from './infrastructure/confirmation-sla.probe';
import { TypeormDeliveryReports } from './infrastructure/delivery-reports.adapter';
import { TypeormDeliveryStore } from './infrastructure/delivery.typeorm-store';
import { MasterDataReferenceCheck } from './infrastructure/master-data-reference-check.adapter';
import { OutboxDeliveryConfirmations } from './infrastructure/outbox-delivery-confirmations.adapter';
import { TypeormTripStore } from './infrastructure/trip.typeorm-store';

/**
 * The deliveries' use cases and the adapters of their ports, for both apps. The inbound handler is in both too: the
 * API reports who handles each Bitrix24 kind, the worker applies the changes.
 */
@Module({
  imports: [EventsModule, SlaModule, DeliveriesBitrix24Bindings],
  providers: [
    DeliveriesService,
    TripsService,
    TripTracker,
    DeliveriesCollisionResolver,
    DeliveriesInboundHandler,
    ConfirmationSlaProbe,
    { provide: DeliveryBoard, useClass: Bitrix24DeliveryBoard },
    { provide: DeliveryStore, useClass: TypeormDeliveryStore },
    { provide: DeliveryReports, useClass: TypeormDeliveryReports },
    { provide: TripStore, useClass: TypeormTripStore },
    { provide: ReferenceCheck, useClass: MasterDataReferenceCheck },
    { provide: DeliveryConfirmations, useClass: OutboxDeliveryConfirmations },
  ],
  exports: [DeliveriesService, TripsService, DeliveryReports],
})
export class DeliveriesModule {}
