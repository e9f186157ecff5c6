import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConsumerHost } from './consumers/consumer-host';
import { ConsumerRegistry } from './consumers/consumer-registry';
import { EventQueues } from './consumers/event-queues';
import { QueueDepthMetrics } from './consumers/queue-depth.metrics';
import { DeadLetterRecorder } from './dead-letters/dead-letter.recorder';
import { EventsModule } from './events.module';
import { OutboxEnqueuer } from './relay/outbox-enqueuer';
import { OutboxRelay } from './relay/outbox-relay';
import { ReconcileDispatchedEventsJob } from './relay/reconcile-dispatched.job';
import { PurgeEventsJob } from './retention/purge-events.job';

/**
 * The delivery machinery the worker runs: relay, consumers, retries and dead-lettering, and its recurring jobs
 * (the reconcile of dispatched events, the retention purge).
 */
@Module({
  imports: [DiscoveryModule, EventsModule],
  providers: [
    ConsumerRegistry,
    EventQueues,
    DeadLetterRecorder,
    ConsumerHost,
    OutboxEnqueuer,
    OutboxRelay,
    QueueDepthMetrics,
    ReconcileDispatchedEventsJob,
    PurgeEventsJob,
  ],
  exports: [OutboxRelay, ConsumerRegistry, EventQueues],
})
export class EventsWorkerModule {}
