import { CloudEvent, EventConsumer, EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { ONEC_DESTINATION } from '../onec-destination';
import { OnecPushPort } from '../ports/onec-push.port';

/**
 * Pushes the events addressed to 1C to its HTTP service; the backbone retries, orders and dead-letters them. It
 * consumes only where 1C publishes an HTTP service: without `ONEC_HTTP_BASE_URL` nobody consumes `onec`, so the
 * relay leaves those events alone and 1C pulls them from `GET /api/v1/events`.
 */
@Injectable()
@EventConsumer({
  destination: ONEC_DESTINATION,
  transactional: false,
  enabled: (config) => config.onec.http !== undefined,
})
export class OnecPushConsumer implements EventHandler {
  constructor(private readonly pusher: OnecPushPort) {}

  handle(event: CloudEvent): Promise<void> {
    return this.pusher.push(event);
  }
}
