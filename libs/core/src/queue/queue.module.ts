import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * BullMQ's shared connection settings. `maxRetriesPerRequest: null` is what BullMQ requires for workers: blocking
 * commands must wait out a Redis restart instead of failing. The key prefix isolates environments and test runs.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        prefix: config.redis.keyPrefix,
        connection: { url: config.redis.url, maxRetriesPerRequest: null, enableOfflineQueue: true },
      }),
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
