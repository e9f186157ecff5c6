import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConsumerHost } from './consumers/consumer-host';
import { ConsumerRegistry } from './consumers/consumer-registry';
import { EventQueues } from './consumers/event-queues';
import { QueueDepthMetrics } from './consumers/queue-depth.metrics';
import { DeadLetterRecorder } from './dead-letters/dead-letter.recorder';
import { EventsModule } from './events.module';
import { OutboxRelay } from './relay/outbox-relay';

/** The delivery machinery the worker runs: relay, consumers, retries and dead-lettering. */
@Module({
  imports: [DiscoveryModule, EventsModule],
  providers: [ConsumerRegistry, EventQueues, DeadLetterRecorder, ConsumerHost, OutboxRelay, QueueDepthMetrics],
  exports: [OutboxRelay, ConsumerRegistry, EventQueues],
})
export class EventsWorkerModule {}
