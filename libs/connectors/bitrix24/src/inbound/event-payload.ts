/** The auth block of an outbound event, as far as we trust or keep it. */
export interface EventAuth {
  readonly applicationToken?: string;
  readonly memberId?: string;
  readonly domain?: string;
}

export type EventSubject =
  | { readonly type: 'crm'; readonly entityTypeId: number; readonly id: string; readonly deleted: boolean }
  | { readonly type: 'product'; readonly id: string; readonly deleted: boolean }
  | { readonly type: 'task'; readonly id: string; readonly deleted: boolean }
  | { readonly type: 'offline_signal' }
  | { readonly type: 'uninstall' }
  | { readonly type: 'other' };

/** An outbound Bitrix24 event (protocol doc §1.3), normalised; every value arrived as a string. */
export interface ParsedEvent {
  readonly event: string;
  readonly handlerId?: string;
  readonly ts?: string;
  readonly data: unknown;
  readonly auth: EventAuth;
  readonly subject: EventSubject;
}

const CRM_TYPES: Record<string, number> = { LEAD: 1, DEAL: 2, CONTACT: 3, COMPANY: 4 };

/** Reads a body parsed from `application/x-www-form-urlencoded` (PHP bracket keys) or JSON; undefined if no event. */
export function parseEventBody(body: unknown): ParsedEvent | undefined {
  if (!isObject(body) || typeof body.event !== 'string' || body.event.trim() === '') {
    return undefined;
  }
  const event = body.event.trim().toUpperCase();
  const auth = isObject(body.auth) ? body.auth : {};
  return {
    event,
    handlerId: scalar(body.event_handler_id),
    ts: scalar(body.ts),
    data: body.data ?? null,
    auth: {
      applicationToken: scalar(auth.application_token),
      memberId: scalar(auth.member_id),
      domain: scalar(auth.domain),
    },
    subject: subjectOf(event, body.data),
  };
}

/** What an event is about, from its name and `data` (events carry only ids: protocol doc §0 item 2). */
export function subjectOf(event: string, data: unknown): EventSubject {
  const fields = isObject(data) && isObject(data.FIELDS) ? data.FIELDS : {};
  const deleted = /DELETE(_\d+)?$/.test(event);
  const crm = /^ONCRM(LEAD|DEAL|CONTACT|COMPANY)(ADD|UPDATE|DELETE)$/.exec(event);
  if (crm && scalar(fields.ID)) {
    return { type: 'crm', entityTypeId: CRM_TYPES[crm[1]], id: scalar(fields.ID)!, deleted };
  }
  const dynamic = /^ONCRMDYNAMICITEM(ADD|UPDATE|DELETE)(?:_(\d+))?$/.exec(event);
  if (dynamic) {
    const entityTypeId = Number(scalar(fields.ENTITY_TYPE_ID) ?? dynamic[2]);
    const id = scalar(fields.ID);
    return id && Number.isInteger(entityTypeId) && entityTypeId > 0
      ? { type: 'crm', entityTypeId, id, deleted }
      : { type: 'other' };
  }
  if (/^CATALOG\.PRODUCT\.ON\.(ADD|UPDATE|DELETE)$/.test(event) && scalar(fields.ID)) {
    return { type: 'product', id: scalar(fields.ID)!, deleted: event.endsWith('DELETE') };
  }
  if (/^ONTASK(ADD|UPDATE|DELETE)$/.test(event) && isObject(data)) {
    const after = isObject(data.FIELDS_AFTER) ? data.FIELDS_AFTER : {};
    const before = isObject(data.FIELDS_BEFORE) ? data.FIELDS_BEFORE : {};
    const id = scalar(after.ID) ?? scalar(before.ID);
    return id ? { type: 'task', id, deleted } : { type: 'other' };
  }
  if (event === 'ONOFFLINEEVENT') {
    return { type: 'offline_signal' };
  }
  if (event === 'ONAPPUNINSTALL') {
    return { type: 'uninstall' };
  }
  return { type: 'other' };
}

/** One key per delivery of one event: a second POST of the same event lands on the same inbox row. */
export function dedupKeyOf(event: ParsedEvent): string {
  const subject = event.subject;
  const target = subject.type === 'crm' ? `${subject.entityTypeId}:${subject.id}` : 'id' in subject ? subject.id : '';
  return `${event.event}|${target}|${event.ts ?? ''}|${event.handlerId ?? ''}`;
}

/** The inbox subject, so that processing of one entity is ordered. */
export function inboxSubjectOf(subject: EventSubject): string | undefined {
  switch (subject.type) {
    case 'crm':
      return `crm:${subject.entityTypeId}:${subject.id}`;
    case 'product':
      return `product:${subject.id}`;
    case 'task':
      return `task:${subject.id}`;
    case 'offline_signal':
    case 'uninstall':
    case 'other':
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.trim() === '' ? undefined : value.trim();
  }
  return typeof value === 'number' ? String(value) : undefined;
}
