import { isRequestQuery, type TraceEntry, type TraceQuery, TraceSource, traceSubject } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { ProcessedEventEntity } from '../consumers/processed-event.entity';
import { DeadLetterEntity } from '../dead-letters/dead-letter.entity';
import { InboxEventEntity } from '../inbox/inbox-event.entity';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';

/**
 * The backbone's rows: outbox events (by the request that published them, or by subject: `delivery:<id>`), their
 * deliveries (a consumer's processed mark, or the outbox row's `delivered_at` for pushed and pulled destinations),
 * their dead letters, and inbound events. Payloads and envelopes stay out: they are business data, some of it personal.
 */
@Injectable()
export class EventsTraceSource extends TraceSource {
  readonly name = 'events';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async entries(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const where = isRequestQuery(query) ? { requestId: query.requestId } : { subject: traceSubject(query.entity) };
    const [events, inbox] = await Promise.all([
      this.dataSource.getRepository(OutboxEventEntity).find({
        select: {
          id: true,
          destination: true,
          type: true,
          subject: true,
          requestId: true,
          status: true,
          attempts: true,
          createdAt: true,
          deliveredAt: true,
        },
        where,
        order: { position: 'ASC' },
        take: limit,
      }),
      this.dataSource.getRepository(InboxEventEntity).find({
        select: {
          id: true,
          source: true,
          type: true,
          subject: true,
          requestId: true,
          status: true,
          duplicates: true,
          receivedAt: true,
          processedAt: true,
          outcome: true,
        },
        where,
        order: { receivedAt: 'ASC' },
        take: limit,
      }),
    ]);
    const ids = events.map((event) => event.id);
    const [processed, deadLetters] = await Promise.all([
      ids.length === 0
        ? Promise.resolve([])
        : this.dataSource
            .getRepository(ProcessedEventEntity)
            .find({ where: { eventId: In(ids) }, order: { processedAt: 'ASC' }, take: limit }),
      this.dataSource.getRepository(DeadLetterEntity).find({
        select: {
          id: true,
          eventId: true,
          destination: true,
          type: true,
          subject: true,
          attempts: true,
          errorCode: true,
          reason: true,
          httpStatus: true,
          status: true,
          createdAt: true,
          resolvedAt: true,
          resolution: true,
        },
        // A subject's dead letters outlive its purged outbox rows; a request's are found through its events.
        where: isRequestQuery(query) ? { eventId: In(ids.length === 0 ? [] : ids) } : { subject: where.subject },
        order: { id: 'ASC' },
        take: limit,
      }),
    ]);
    const byId = new Map(events.map((event) => [event.id, event]));
    const consumed = new Set(processed.map((row) => row.eventId));
    return [
      ...events.map((event) => this.published(event)),
      ...processed.flatMap((row) => {
        const event = byId.get(row.eventId);
        return event ? [this.applied(event, row)] : [];
      }),
      ...events.filter((event) => event.deliveredAt && !consumed.has(event.id)).map((event) => this.delivered(event)),
      ...deadLetters.map((letter) => this.deadLetter(letter, byId.get(letter.eventId)?.requestId ?? null)),
      ...inbox.map((event) => this.received(event)),
    ];
  }

  private published(event: OutboxEventEntity): TraceEntry {
    return {
      id: `outbox_events:${event.id}`,
      at: event.createdAt.toISOString(),
      kind: 'outbox_event',
      source: this.name,
      summary: `${event.type} for ${event.destination} about ${event.subject}: ${event.status}`,
      requestId: event.requestId,
      entity: entityOf(event.subject),
      details: {
        eventId: event.id,
        destination: event.destination,
        type: event.type,
        subject: event.subject,
        status: event.status,
        attempts: event.attempts,
      },
      // Calls to 1C and Bitrix24 that carried the event are logged under it.
      links: [{ type: 'event', id: event.id }],
    };
  }

  private applied(event: OutboxEventEntity, row: ProcessedEventEntity): TraceEntry {
    return {
      id: `processed_events:${row.consumer}:${row.eventId}`,
      at: row.processedAt.toISOString(),
      kind: 'event_delivery',
      source: this.name,
      summary: `${event.type} applied by ${row.consumer}`,
      requestId: event.requestId,
      entity: entityOf(event.subject),
      details: { eventId: event.id, consumer: row.consumer, destination: event.destination },
    };
  }

  private delivered(event: OutboxEventEntity): TraceEntry {
    return {
      id: `outbox_events:${event.id}:delivered`,
      at: event.deliveredAt!.toISOString(),
      kind: 'event_delivery',
      source: this.name,
      summary: `${event.type} delivered to ${event.destination} after ${event.attempts} attempt(s)`,
      requestId: event.requestId,
      entity: entityOf(event.subject),
      details: { eventId: event.id, destination: event.destination, attempts: event.attempts },
    };
  }

  private deadLetter(letter: DeadLetterEntity, requestId: string | null): TraceEntry {
    return {
      id: `dead_letters:${letter.id}`,
      at: letter.createdAt.toISOString(),
      kind: 'dead_letter',
      source: this.name,
      summary:
        `${letter.type} for ${letter.destination} dead (${letter.reason}, ${letter.errorCode}): ${letter.status}` +
        (letter.resolution ? `, ${letter.resolution}` : ''),
      requestId,
      entity: entityOf(letter.subject),
      details: {
        deadLetterId: letter.id,
        eventId: letter.eventId,
        destination: letter.destination,
        attempts: letter.attempts,
        reason: letter.reason,
        errorCode: letter.errorCode,
        httpStatus: letter.httpStatus,
        status: letter.status,
        resolvedAt: letter.resolvedAt?.toISOString() ?? null,
      },
    };
  }

  private received(event: InboxEventEntity): TraceEntry {
    return {
      id: `inbox_events:${event.id}`,
      at: event.receivedAt.toISOString(),
      kind: 'inbox_event',
      source: this.name,
      summary:
        `${event.type} from ${event.source}: ${event.status}` +
        (event.duplicates > 0 ? ` (${event.duplicates} duplicate(s))` : ''),
      requestId: event.requestId,
      ...(event.subject ? { entity: entityOf(event.subject) } : {}),
      details: {
        inboxEventId: event.id,
        source: event.source,
        type: event.type,
        status: event.status,
        outcome: event.outcome,
        processedAt: event.processedAt?.toISOString() ?? null,
      },
    };
  }
}

/** Subjects are `<type>:<id>`; one without a colon is all id. */
function entityOf(subject: string): { type: string; id: string } {
  const colon = subject.indexOf(':');
  return colon < 0 ? { type: 'subject', id: subject } : { type: subject.slice(0, colon), id: subject.slice(colon + 1) };
}
