/** What a timeline entry is; the back office orders them by `at` and shows the kind as a label. */
export const TRACE_ENTRY_KINDS = [
  'http_request',
  'admin_action',
  'integration_call',
  'outbox_event',
  'event_delivery',
  'inbox_event',
  'audit',
  'dead_letter',
  'collision',
  'deviation',
] as const;
export type TraceEntryKind = (typeof TRACE_ENTRY_KINDS)[number];

/** A business record as the trace names it: `delivery:<id>` is `{ type: 'delivery', id }`. */
export interface TraceEntity {
  readonly type: string;
  readonly id: string;
}

/** Everything one request (or job) caused, or everything that happened to one record. */
export type TraceQuery = { readonly requestId: string } | { readonly entity: TraceEntity };

export interface TraceEntry {
  /** Unique across sources (`<table>:<row id>`), so an entry found twice is shown once. */
  readonly id: string;
  /** RFC 3339 UTC. */
  readonly at: string;
  readonly kind: TraceEntryKind;
  /** The lib the entry comes from (`core`, `events`, `audit`, `sla`). */
  readonly source: string;
  /** One line for a human. */
  readonly summary: string;
  readonly requestId: string | null;
  readonly entity?: TraceEntity;
  /** A few identifying fields; never bodies, payloads or secrets. */
  readonly details: Record<string, unknown>;
  /**
   * Records whose own history belongs to this entry's (an outbox event's `event:<id>`, under which its calls to
   * 1C and Bitrix24 are logged): an entity's timeline follows them one step.
   */
  readonly links?: readonly TraceEntity[];
}

/**
 * Port: a lib that owns rows a request or a record leaves behind implements it in its infrastructure, querying only
 * its own tables, each lookup by an index. The back office finds every provider at start-up
 * (`providersExtending(discovery, TraceSource)`) and merges their entries; a source that knows nothing of the query
 * answers `[]`.
 */
export abstract class TraceSource {
  /** The lib's name, as `TraceEntry.source`. */
  abstract readonly name: string;

  /**
   * The earliest `limit` entries of each kind of row the lib holds (in any order: the back office merges, sorts and
   * cuts), so the timeline's earliest `limit` are always among them.
   */
  abstract entries(query: TraceQuery, limit: number): Promise<TraceEntry[]>;
}

/** `delivery:<id>`, as outbox subjects and SLA deviations name records. */
export function traceSubject(entity: TraceEntity): string {
  return `${entity.type}:${entity.id}`;
}

export function isRequestQuery(query: TraceQuery): query is { readonly requestId: string } {
  return 'requestId' in query;
}

/** What `X-Request-Id` may hold (see `RequestContext.acceptOrGenerate`). */
export const TRACE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** `<type>:<id>`: a snake_case type, then an id as ids are written here (UUIDs, 1C GUIDs, numbers, `portal:…`). */
export const TRACE_ENTITY = /^([a-z][a-z0-9_]{0,63}):([A-Za-z0-9._:#-]{1,200})$/;
