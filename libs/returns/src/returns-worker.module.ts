import { Module } from '@nestjs/common';
import { ReturnsModule } from './returns.module';

/** The returns in the worker: their rules, for the work that reaches them through the backbone. */
@Module({ imports: [ReturnsModule] })
export class ReturnsWorkerModule {}
