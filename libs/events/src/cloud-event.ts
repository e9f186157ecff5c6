/**
 * A CloudEvents 1.0 envelope as this system stores, queues and serves it (structured JSON mode). Extension
 * attribute names follow the spec: lower-case letters and digits only.
 */
export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  /** UUID; unique per `source`. Consumers de-duplicate on it. */
  readonly id: string;
  readonly source: string;
  /** Reverse-DNS-ish and versioned, e.g. `mastermobile.delivery.status_changed.v1`. */
  readonly type: string;
  /** The entity the event is about; events of one subject to one destination are applied in order. */
  readonly subject: string;
  /** RFC 3339 UTC. */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
  /** Where the event goes: `bitrix24`, `onec`, `notifications`, or an internal consumer such as `internal.inbox`. */
  readonly destination: string;
  /** The entity version this event carries, when the producer versions the entity. */
  readonly entityversion?: number;
  /** X-Request-Id of the request (or job) that caused the event. */
  readonly requestid?: string;
  /** W3C trace context of that request. */
  readonly traceparent?: string;
}

/** Destination names become BullMQ queue names. */
export function queueNameOf(destination: string): string {
  return `events.${destination}`;
}

export const DESTINATION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
