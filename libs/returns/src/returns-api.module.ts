import { Module } from '@nestjs/common';
import { ReturnsController } from './http/returns.controller';
import { ReturnsModule } from './returns.module';

/** The returns' HTTP API, in the API app only. */
@Module({ imports: [ReturnsModule], controllers: [ReturnsController] })
export class ReturnsApiModule {}
