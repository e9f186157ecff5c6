import { stringify } from 'qs';

/** An outbound event as the portal's queue server POSTs it; key order is the wire order. */
export interface EventPayload {
  event: string;
  event_handler_id: number;
  /** An empty PHP array, as ONOFFLINEEVENT carries, vanishes from the form entirely. */
  data: unknown;
  ts: number;
  auth: Record<string, string | number>;
}

/**
 * `application/x-www-form-urlencoded` with PHP bracket keys, exactly as PHP's `http_build_query` writes it:
 * brackets percent-encoded, spaces as `+`, nulls dropped (fixtures `events/*.form.txt`).
 */
export function encodeEventBody(payload: EventPayload | Record<string, unknown>): string {
  return stringify(payload, { format: 'RFC1738', skipNulls: true });
}
