import { Module } from '@nestjs/common';
import { InstantOrdersModule } from './instant-orders.module';

/** The instant orders in the worker: their rules, for the work that reaches them through the backbone. */
@Module({ imports: [InstantOrdersModule] })
export class InstantOrdersWorkerModule {}
