import type { AppConfig } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler, ONEC_DESTINATION } from '@app/events';
import { OnecPushPort } from '../ports/onec-push.port';

/** Pushes the events addressed to 1C to its HTTP service; the backbone retries, orders and dead-letters them. */
export class OnecPushConsumer implements EventHandler {
  constructor(private readonly pusher: OnecPushPort) {}

  handle(event: CloudEvent): Promise<void> {
    return this.pusher.push(event);
  }
}

/**
 * The consumer exists only where 1C publishes an HTTP service. Without `ONEC_HTTP_BASE_URL` there is no consumer
 * of `onec`, so the relay leaves those events alone and 1C pulls them from `GET /api/v1/events`. The worker finds
 * consumers by the `@EventConsumer` metadata of the provider's metatype, which for a factory provider is the
 * factory, hence the decorator on this function; it yields no instance when unconfigured, and is skipped.
 */
export function onecPushConsumerWhenConfigured(config: AppConfig, pusher: OnecPushPort): OnecPushConsumer | null {
  return config.onec.http ? new OnecPushConsumer(pusher) : null;
}
EventConsumer({ destination: ONEC_DESTINATION, transactional: false })(onecPushConsumerWhenConfigured);
