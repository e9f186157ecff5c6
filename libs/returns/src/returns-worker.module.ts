import { Module } from '@nestjs/common';
import { RefundSettlementsConsumer } from './infrastructure/refund-settlements.consumer';
import { ReturnsModule } from './returns.module';

/** The returns in the worker: their rules, for the work that reaches them through the backbone. */
@Module({ imports: [ReturnsModule], providers: [RefundSettlementsConsumer] })
export class ReturnsWorkerModule {}
