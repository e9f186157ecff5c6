import { Module } from '@nestjs/common';
import { DeliveriesModule } from './deliveries.module';
import { DeliveriesController } from './http/deliveries.controller';
import { DeliveryReportsController } from './http/delivery-reports.controller';
import { TripsController } from './http/trips.controller';

/** The deliveries' HTTP API, in the API app only. */
@Module({
  imports: [DeliveriesModule],
  controllers: [DeliveriesController, TripsController, DeliveryReportsController],
})
export class DeliveriesApiModule {}
