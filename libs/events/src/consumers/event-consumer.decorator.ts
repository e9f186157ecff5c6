import type { AppConfig } from '@app/core';
import { SetMetadata } from '@nestjs/common';
import type { CloudEvent } from '../cloud-event';

export const EVENT_CONSUMER = 'mastermobile:event-consumer';

export interface EventConsumerOptions {
  /** The destination whose queue this consumer drains. One consumer per destination. */
  readonly destination: string;
  /**
   * `true` (default): the handler runs inside the transaction that records the event as processed, so a local
   * effect (database writes) happens exactly once. `false`: for handlers that call other systems, which must not
   * hold a transaction open across a network call; they must be idempotent towards that system (external ids).
   */
  readonly transactional?: boolean;
  /** Overrides EVENTS_MAX_ATTEMPTS for this destination. */
  readonly maxAttempts?: number;
  /**
   * For a consumer whose handling of one event does the work every event of its subject asks for (re-evaluating a
   * rule, not applying a change): when an event is handled, its subject's queued successors that were committed
   * before the handler began are delivered with it, instead of each waiting its turn to repeat the same work. A
   * successor committed later is still handled on its own. Only with `transactional: false`.
   */
  readonly coalesce?: boolean;
  /** Parallel jobs per worker process for this destination; defaults to WORKER_CONCURRENCY. */
  readonly concurrency?: number;
  /**
   * Whether this deployment consumes the destination at all. A destination nobody consumes is left alone by the
   * relay (e.g. `onec` without 1C's HTTP service stays in the pull feed). Defaults to always.
   */
  readonly enabled?: (config: AppConfig) => boolean;
}

/** Thin: validate the payload and call a service. Throw an IntegrationError (or AppError) to steer retries. */
export interface EventHandler<T = unknown> {
  handle(event: CloudEvent<T>): Promise<void>;
}

/** Marks a provider as the consumer of a destination; the worker discovers it and starts a BullMQ worker for it. */
export const EventConsumer = (options: EventConsumerOptions): ClassDecorator => SetMetadata(EVENT_CONSUMER, options);
