import { DeliveriesModule } from '@app/deliveries';
import { EventsModule } from '@app/events';
import { Module } from '@nestjs/common';
import { InstantOrdersCollisionResolver } from './application/instant-orders-collision.resolver';
import { InstantOrdersService } from './application/instant-orders.service';
import { InstantOrderStore } from './application/ports/instant-order-store.port';
import { OrderPublication } from './application/ports/order-publication.port';
import { SaleReferences } from './application/ports/sale-references.port';
import { StockReservations } from './application/ports/stock-reservations.port';
import { OrderBoard } from './application/ports/order-board.port';
import { InstantOrdersBitrix24Bindings } from './infrastructure/bitrix24-bindings.module';
import { InstantOrdersInboundHandler } from './infrastructure/bitrix24-inbound.handler';
import { Bitrix24OrderBoard } from './infrastructure/bitrix24-order-board.adapter';
import { TypeormInstantOrderStore } from './infrastructure/instant-order.typeorm-store';
import { MasterDataSaleReferences } from './infrastructure/master-data-sale-references.adapter';
import { InstantOrdersSaleDocuments, InstantOrdersSaleOrders } from './infrastructure/onec-exchange.adapters';
import { OutboxOrderPublication } from './infrastructure/outbox-order-publication.adapter';
import { TypeormStockReservations } from './infrastructure/stock-reservations.typeorm-store';

/**
 * The instant orders' use cases and the adapters of their ports, for both apps. The CommerceML contributions are in
 * both: the exchange with 1C is served by the API, and the worker reports what serves each port.
 */
@Module({
  imports: [EventsModule, DeliveriesModule, InstantOrdersBitrix24Bindings],
  providers: [
    InstantOrdersService,
    InstantOrdersCollisionResolver,
    InstantOrdersInboundHandler,
    { provide: OrderBoard, useClass: Bitrix24OrderBoard },
    InstantOrdersSaleOrders,
    InstantOrdersSaleDocuments,
    { provide: InstantOrderStore, useClass: TypeormInstantOrderStore },
    { provide: SaleReferences, useClass: MasterDataSaleReferences },
    { provide: StockReservations, useClass: TypeormStockReservations },
    { provide: OrderPublication, useClass: OutboxOrderPublication },
  ],
  exports: [InstantOrdersService],
})
export class InstantOrdersModule {}
