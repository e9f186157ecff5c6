import { AppConfig } from '@app/core';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { queueNameOf } from '../cloud-event';

export interface EventJobData {
  readonly event: import('../cloud-event').CloudEvent;
  readonly generation: number;
}

/** The BullMQ job id of one dispatch of an event: a replay is a new generation, hence a new job. */
export function jobIdOf(eventId: string, generation: number): string {
  return `${eventId}.${generation}`;
}

/**
 * Producer-side queues, one per destination. Their connection fails fast while Redis is down (no offline queue),
 * so the relay notices at once, keeps the rows pending and tries again, instead of hanging with rows locked.
 */
@Injectable()
export class EventQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<EventJobData>>();

  constructor(private readonly config: AppConfig) {}

  of(destination: string): Queue<EventJobData> {
    let queue = this.queues.get(destination);
    if (!queue) {
      queue = new Queue<EventJobData>(queueNameOf(destination), {
        prefix: this.config.redis.keyPrefix,
        connection: {
          url: this.config.redis.url,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
        },
      });
      // Failures surface where queues are used (relay, metrics); an unhandled 'error' event would crash the process.
      queue.on('error', () => undefined);
      this.queues.set(destination, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
  }
}
