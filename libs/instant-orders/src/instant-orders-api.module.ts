import { Module } from '@nestjs/common';
import { InstantOrdersModule } from './instant-orders.module';
import { InstantOrdersController } from './http/instant-orders.controller';

/** The instant orders' HTTP API, in the API app only. */
@Module({
  imports: [InstantOrdersModule],
  controllers: [InstantOrdersController],
})
export class InstantOrdersApiModule {}
