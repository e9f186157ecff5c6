import type { CloudEvent } from '@app/events';

/**
 * Port: pushes one message to 1C's published HTTP service (confirmations, documents, statuses), for installations
 * where 1C publishes one (`ONEC_HTTP_BASE_URL`); without it 1C pulls the same events from `GET /api/v1/events`.
 *
 * Domain code normally does not call it: it publishes an event to the `onec` destination inside its transaction
 * (`EventPublisher`), and the connector's consumer pushes it with retries, ordering per subject and dead letters.
 * Call it directly only for a push that needs no durability.
 *
 * The event `id` travels as the `Idempotency-Key` header, so 1C can de-duplicate a push that is retried after a
 * timeout. Failures are `IntegrationError`s classified for the backbone: `transient` (5xx, timeouts), `rate_limited`
 * (429/503 with `Retry-After`), `unavailable` (circuit open, credentials refused, not configured), `permanent`
 * (other 4xx).
 */
export abstract class OnecPushPort {
  abstract push(event: CloudEvent): Promise<void>;
}
