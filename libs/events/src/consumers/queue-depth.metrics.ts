import { MetricsService } from '@app/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConsumerRegistry } from './consumer-registry';
import { EventQueues } from './event-queues';

/** BullMQ queue depths per destination, read at scrape time from the worker that hosts the queues. */
@Injectable()
export class QueueDepthMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly registry: ConsumerRegistry,
    private readonly queues: EventQueues,
  ) {}

  onModuleInit(): void {
    const { registry, queues } = this;
    this.metrics.gauge({
      name: 'event_queue_jobs',
      help: 'Jobs in each destination queue by state',
      labelNames: ['destination', 'state'],
      async collect() {
        this.reset();
        for (const destination of registry.destinations) {
          const counts = await queues
            .of(destination)
            .getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')
            .catch(() => undefined);
          for (const [state, count] of Object.entries(counts ?? {})) {
            this.set({ destination, state }, count);
          }
        }
      },
    });
  }
}
