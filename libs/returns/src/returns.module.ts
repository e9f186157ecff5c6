import { DeliveriesModule } from '@app/deliveries';
import { EventsModule } from '@app/events';
import { InstantOrdersModule } from '@app/instant-orders';
import { Module } from '@nestjs/common';
import { OriginalSales } from './application/ports/original-sales.port';
import { ReturnPublication } from './application/ports/return-publication.port';
import { ReturnStore } from './application/ports/return-store.port';
import { ReturnBoard } from './application/ports/return-board.port';
import { ReturnsCollisionResolver } from './application/returns-collision.resolver';
import { ReturnsService } from './application/returns.service';
import { ReturnsBitrix24Bindings } from './infrastructure/bitrix24-bindings.module';
import { ReturnsInboundHandler } from './infrastructure/bitrix24-inbound.handler';
import { Bitrix24ReturnBoard } from './infrastructure/bitrix24-return-board.adapter';
import { ReturnsSaleDocuments, ReturnsSaleOrders } from './infrastructure/onec-exchange.adapters';
import { DomainOriginalSales } from './infrastructure/original-sales.adapter';
import { OutboxReturnPublication } from './infrastructure/outbox-return-publication.adapter';
import { TypeormReturnStore } from './infrastructure/return.typeorm-store';

/** The returns' use cases and the adapters of their ports, for both apps (the 1C exchange is served by the API). */
@Module({
  imports: [EventsModule, DeliveriesModule, InstantOrdersModule, ReturnsBitrix24Bindings],
  providers: [
    ReturnsService,
    ReturnsInboundHandler,
    ReturnsCollisionResolver,
    { provide: ReturnBoard, useClass: Bitrix24ReturnBoard },
    ReturnsSaleOrders,
    ReturnsSaleDocuments,
    { provide: ReturnStore, useClass: TypeormReturnStore },
    { provide: OriginalSales, useClass: DomainOriginalSales },
    { provide: ReturnPublication, useClass: OutboxReturnPublication },
  ],
  exports: [ReturnsService],
})
export class ReturnsModule {}
