import { AppConfig } from '@app/core';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { CloudEvent, queueNameOf } from '../cloud-event';

/** One dispatch of an event: a replay is a new generation, hence a new job. */
export interface QueuedEvent {
  readonly event: CloudEvent;
  readonly generation: number;
}

/** A job carries one event, or a bundle of heads of different subjects (transactional consumers only). */
export interface EventJobData {
  readonly events: readonly QueuedEvent[];
}

/** The BullMQ job id of a dispatch, named after its first event, so re-sending the same dispatch is a no-op. */
export function jobIdOf(first: { readonly id: string; readonly generation: number }): string {
  return `${first.id}.${first.generation}`;
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
