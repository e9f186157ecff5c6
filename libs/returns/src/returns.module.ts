import { DeliveriesModule } from '@app/deliveries';
import { EventsModule } from '@app/events';
import { InstantOrdersModule } from '@app/instant-orders';
import { Module } from '@nestjs/common';
import { OriginalSales } from './application/ports/original-sales.port';
import { ReturnPublication } from './application/ports/return-publication.port';
import { ReturnStore } from './application/ports/return-store.port';
import { ReturnsService } from './application/returns.service';
import { ReturnsSaleDocuments, ReturnsSaleOrders } from './infrastructure/onec-exchange.adapters';
import { DomainOriginalSales } from './infrastructure/original-sales.adapter';
import { OutboxReturnPublication } from './infrastructure/outbox-return-publication.adapter';
import { TypeormReturnStore } from './infrastructure/return.typeorm-store';

/** The returns' use cases and the adapters of their ports, for both apps (the 1C exchange is served by the API). */
@Module({
  imports: [EventsModule, DeliveriesModule, InstantOrdersModule],
  providers: [
    ReturnsService,
    ReturnsSaleOrders,
    ReturnsSaleDocuments,
    { provide: ReturnStore, useClass: TypeormReturnStore },
    { provide: OriginalSales, useClass: DomainOriginalSales },
    { provide: ReturnPublication, useClass: OutboxReturnPublication },
  ],
  exports: [ReturnsService],
})
export class ReturnsModule {}
