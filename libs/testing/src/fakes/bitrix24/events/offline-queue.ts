import { createHash } from 'node:crypto';
import type { Rng } from '../faults';
import { formatPortalDate } from '../portal-time';
import type { FieldKind, QueryDialect } from '../query';
import { matchesFilter, paginate, parseFilter, sortRecords, type Page } from '../query';
import { RestError } from '../rest-error';
import type { Clock } from '../types';

/** One row of `b_rest_event_offline` (core `EventOfflineTable`). */
export interface OfflineRow extends Record<string, unknown> {
  ID: number;
  TIMESTAMP_X: number;
  MESSAGE_ID: string;
  EVENT_NAME: string;
  EVENT_DATA: unknown;
  EVENT_ADDITIONAL: { LOCAL_USER: number };
  PROCESS_ID: string;
  CONNECTOR_ID: string;
  ERROR: 0 | 1;
}

const FIELDS: Record<string, FieldKind> = {
  ID: 'number',
  TIMESTAMP_X: 'date',
  EVENT_NAME: 'string',
  MESSAGE_ID: 'string',
  PROCESS_ID: 'string',
  ERROR: 'number',
};
const GET_FIELDS = ['ID', 'TIMESTAMP_X', 'EVENT_NAME', 'MESSAGE_ID'];

export interface OfflineGetQuery {
  connectorId: string;
  filter?: unknown;
  order?: unknown;
  limit: number;
  clear: boolean;
  processId?: string;
  error: boolean;
}

/**
 * The offline event queue with the core's semantics (protocol doc §6.2, core `eventoffline.php` and
 * `rest/lib/api/event.php`): latest-state merge, `clear=0` reservations under a `process_id`, error marking.
 */
export class OfflineQueue {
  private rows: OfflineRow[] = [];
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly offsetMinutes: number,
  ) {}

  get snapshot(): readonly OfflineRow[] {
    return this.rows;
  }

  /**
   * MESSAGE_ID = md5(EVENT_NAME|json(EVENT_DATA)); a row with the same message, connector and no reservation is
   * updated in place (keeping its ID), so the queue holds the latest state, not a history.
   */
  put(eventName: string, data: unknown, connectorId: string, userId: number): void {
    const messageId = createHash('md5')
      .update(`${eventName}|${JSON.stringify(data)}`)
      .digest('hex');
    const now = this.clock();
    const existing = this.rows.find(
      (row) => row.MESSAGE_ID === messageId && row.CONNECTOR_ID === connectorId && row.PROCESS_ID === '',
    );
    if (existing) {
      existing.TIMESTAMP_X = now;
      existing.EVENT_DATA = data;
      existing.EVENT_ADDITIONAL = { LOCAL_USER: userId };
      return;
    }
    this.rows.push({
      ID: this.nextId++,
      TIMESTAMP_X: now,
      MESSAGE_ID: messageId,
      EVENT_NAME: eventName,
      EVENT_DATA: data,
      EVENT_ADDITIONAL: { LOCAL_USER: userId },
      PROCESS_ID: '',
      CONNECTOR_ID: connectorId,
      ERROR: 0,
    });
  }

  get(query: OfflineGetQuery): { process_id: string | null; events: Record<string, unknown>[] } {
    const dialect = this.dialect(GET_FIELDS);
    const filter = parseFilter(query.filter, dialect);
    const scope = (row: OfflineRow): boolean =>
      row.CONNECTOR_ID === query.connectorId &&
      row.ERROR === (query.error ? 1 : 0) &&
      matchesFilter(row, filter, this.offsetMinutes);
    const order = { TIMESTAMP_X: 'ASC' } as const;
    let processId = query.processId;
    if (processId === undefined) {
      processId = this.rng.string(32);
      const free = this.rows.filter((row) => row.PROCESS_ID === '' && scope(row));
      for (const row of sortRecords(free, query.order, order, dialect).slice(0, query.limit)) {
        row.PROCESS_ID = processId;
      }
    }
    const reserved = sortRecords(
      this.rows.filter((row) => row.PROCESS_ID === processId && scope(row)),
      query.order,
      order,
      dialect,
    ).slice(0, query.limit);
    if (query.clear && reserved.length > 0) {
      this.remove((row) => row.PROCESS_ID === processId && row.CONNECTOR_ID === query.connectorId);
    }
    // The id is only worth returning when the caller must confirm later (clear=0) or passed it in.
    const returnsProcessId = !query.clear || query.processId !== undefined;
    return { process_id: returnsProcessId ? processId : null, events: reserved.map((row) => this.present(row)) };
  }

  clear(processId: string, connectorId: string, only?: { messageIds?: string[]; ids?: number[] }): void {
    this.remove(
      (row) =>
        row.PROCESS_ID === processId &&
        row.CONNECTOR_ID === connectorId &&
        (only?.messageIds === undefined || only.messageIds.includes(row.MESSAGE_ID)) &&
        (only?.ids === undefined || only.ids.includes(row.ID)),
    );
  }

  /**
   * Core `markError`: fresh duplicates outside this process are dropped, and this process's rows become
   * unreserved error rows that `event.offline.get` returns again only with `error=1`.
   */
  markError(processId: string, connectorId: string, messageIds: string[]): void {
    const inScope = (row: OfflineRow): boolean =>
      row.CONNECTOR_ID === connectorId && messageIds.includes(row.MESSAGE_ID) && row.ERROR === 0;
    this.remove((row) => inScope(row) && row.PROCESS_ID !== processId);
    for (const row of this.rows.filter(inScope)) {
      row.ERROR = 1;
      row.PROCESS_ID = '';
    }
  }

  list(connectorId: string, params: { filter?: unknown; order?: unknown; start?: unknown }): Page<unknown> {
    const dialect = this.dialect(Object.keys(FIELDS));
    const filter = parseFilter(params.filter, dialect);
    const rows = this.rows.filter(
      (row) => row.CONNECTOR_ID === connectorId && matchesFilter(row, filter, this.offsetMinutes),
    );
    const page = paginate(sortRecords(rows, params.order, { ID: 'ASC' }, dialect), params.start);
    return {
      ...page,
      page: page.page.map((row) => ({ ...this.present(row), PROCESS_ID: row.PROCESS_ID, ERROR: String(row.ERROR) })),
    };
  }

  private present(row: OfflineRow): Record<string, unknown> {
    // Database rows come back as strings; EVENT_ADDITIONAL is reduced to the user, as the core does.
    return {
      ID: String(row.ID),
      TIMESTAMP_X: formatPortalDate(row.TIMESTAMP_X, this.offsetMinutes),
      EVENT_NAME: row.EVENT_NAME,
      EVENT_DATA: row.EVENT_DATA,
      EVENT_ADDITIONAL: { user_id: row.EVENT_ADDITIONAL.LOCAL_USER },
      MESSAGE_ID: row.MESSAGE_ID,
    };
  }

  private remove(predicate: (row: OfflineRow) => boolean): void {
    this.rows = this.rows.filter((row) => !predicate(row));
  }

  private dialect(allowed: string[]): QueryDialect {
    const fieldError = (name: string) => new RestError(400, 'ERROR_ARGUMENT', `Field '${name}' is not allowed`);
    return {
      resolve: (name) => {
        const upper = name.toUpperCase();
        return allowed.includes(upper) ? { name: upper, kind: FIELDS[upper] } : undefined;
      },
      unknownFilterField: fieldError,
      unknownOrderField: fieldError,
      badDirection: (direction) => new RestError(400, 'ERROR_ARGUMENT', `Unknown sort direction '${direction}'`),
      offsetMinutes: this.offsetMinutes,
    };
  }
}
