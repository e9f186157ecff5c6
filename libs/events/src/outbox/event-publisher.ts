import { randomUUID } from 'node:crypto';
import { type AppendOnlyTable, AppConfig, currentTraceparent, RequestContext, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { CloudEvent, DESTINATION_PATTERN } from '../cloud-event';
import { OUTBOX_INSERT_SQL } from './outbox-sql';
import type { OutboxEventEntity } from './outbox-event.entity';

export interface NewEvent<T = unknown> {
  readonly destination: string;
  /** e.g. `mastermobile.delivery.status_changed.v1`. */
  readonly type: string;
  /** The entity id; one subject's events reach one destination in order. */
  readonly subject: string;
  readonly data: T;
  readonly entityVersion?: number;
  /** Defaults to a new UUID; pass one to make the publication itself idempotent. */
  readonly id?: string;
}

const TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\.v\d+$/;

/**
 * The transaction's events, written just before its COMMIT in one statement with one parameter whatever their count:
 * bulk imports publish thousands per batch, and an ORM insert of that many rows (one bind parameter per value) cost a
 * quarter of an import's CPU. The ordinality keeps the publication order in `position`, which is the order of
 * application per subject.
 */
const OUTBOX: AppendOnlyTable<EnvelopeFields> = {
  name: 'outbox_events',
  statement: (rows) => ({
    sql: OUTBOX_INSERT_SQL,
    params: [
      JSON.stringify(
        rows.map((row) => ({
          id: row.id,
          destination: row.destination,
          type: row.type,
          subject: row.subject,
          data: row.data,
          entity_version: row.entityVersion,
          source: row.source,
          time: row.time,
          request_id: row.requestId,
          traceparent: row.traceparent,
        })),
      ),
    ],
  }),
};

/**
 * Writes events to the outbox inside the caller's transaction. Refusing to run outside one is the point: an event
 * written on its own could survive the rollback of the change it announces.
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /**
   * Resolves at once: the rows are written with the transaction's last statement (see OUTBOX). A refusal is a
   * rejection, as it was when the rows were written here.
   */
  publish<T>(events: NewEvent<T> | readonly NewEvent<T>[]): Promise<CloudEvent<T>[]> {
    return new Promise((resolve) => resolve(this.append(events)));
  }

  private append<T>(events: NewEvent<T> | readonly NewEvent<T>[]): CloudEvent<T>[] {
    if (!this.unitOfWork.inTransaction) {
      throw new Error(
        'EventPublisher.publish must run inside UnitOfWork.run(), in the transaction of the change it announces',
      );
    }
    const list = Array.isArray(events) ? (events as readonly NewEvent<T>[]) : [events as NewEvent<T>];
    if (list.length === 0) {
      return [];
    }
    const requestId = RequestContext.requestId();
    const traceparent = currentTraceparent();
    const time = new Date();
    const rows = list.map((event) => {
      if (!DESTINATION_PATTERN.test(event.destination)) {
        throw new Error(`Invalid event destination "${event.destination}"`);
      }
      if (!TYPE_PATTERN.test(event.type)) {
        throw new Error(
          `Invalid event type "${event.type}": use lower-case dotted names ending in a version, e.g. x.y.v1`,
        );
      }
      if (!event.subject) {
        throw new Error('An event needs a subject (the id of the entity it is about)');
      }
      return {
        id: event.id ?? randomUUID(),
        destination: event.destination,
        type: event.type,
        subject: event.subject,
        source: this.config.events.source,
        time,
        data: event.data as never,
        entityVersion: event.entityVersion === undefined ? null : String(event.entityVersion),
        requestId: requestId ?? null,
        traceparent: traceparent ?? null,
      };
    });
    this.unitOfWork.append(OUTBOX, rows);
    return rows.map((row) => toCloudEvent<T>(row));
  }
}

export type EnvelopeFields = Pick<
  OutboxEventEntity,
  'id' | 'source' | 'type' | 'subject' | 'time' | 'data' | 'destination' | 'entityVersion' | 'requestId' | 'traceparent'
>;

export function toCloudEvent<T = unknown>(row: EnvelopeFields): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: new Date(row.time).toISOString(),
    datacontenttype: 'application/json',
    data: row.data as T,
    destination: row.destination,
    ...(row.entityVersion !== null && row.entityVersion !== undefined
      ? { entityversion: Number(row.entityVersion) }
      : {}),
    ...(row.requestId ? { requestid: row.requestId } : {}),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}
