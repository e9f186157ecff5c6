import { randomUUID } from 'node:crypto';
import { RequestContext, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { EventPublisher } from '../outbox/event-publisher';
import { InboxEventEntity, InboxStatus } from './inbox-event.entity';

export interface InboundEvent {
  /** Who sent it: `bitrix24`, `onec`, … */
  readonly source: string;
  /** Identical for every copy of the same event, e.g. `ONCRMDYNAMICITEMUPDATE:128:759:1766047124`. */
  readonly dedupKey: string;
  readonly type: string;
  /** The entity it is about, if known; processing of one subject is ordered. */
  readonly subject?: string;
  readonly payload: unknown;
  /** The internal destination whose consumer processes the event. */
  readonly destination: string;
  /** The CloudEvents type of the processing event, e.g. `mastermobile.bitrix24.event_received.v1`. */
  readonly eventType: string;
}

export interface InboxReceipt {
  readonly inboxId: string;
  readonly duplicate: boolean;
  /** How many copies of this event the inbox has seen, this one included: 1 for the first. */
  readonly copies: number;
}

/**
 * Inbound events are stored before the sender gets its answer, and processed later by a consumer: the sender's
 * request never waits on (or fails because of) a downstream call. The row and the processing event commit
 * together, so a stored event is always processed, and a duplicate is acknowledged without a second processing.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly publisher: EventPublisher,
  ) {}

  async receive(event: InboundEvent): Promise<InboxReceipt> {
    return this.unitOfWork.run(async (manager) => {
      const [row] = await manager.query<{ id: string; inserted: boolean; duplicates: number }[]>(
        `INSERT INTO inbox_events (id, source, dedup_key, type, subject, payload, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source, dedup_key) DO UPDATE SET duplicates = inbox_events.duplicates + 1
         RETURNING id, (xmax = 0) AS inserted, duplicates`,
        [
          randomUUID(),
          event.source,
          event.dedupKey,
          event.type,
          event.subject ?? null,
          JSON.stringify(event.payload ?? null),
          RequestContext.requestId() ?? null,
        ],
      );
      if (row.inserted) {
        await this.publisher.publish({
          destination: event.destination,
          type: event.eventType,
          subject: event.subject ?? row.id,
          data: { inboxId: row.id, source: event.source, type: event.type },
        });
      }
      return { inboxId: row.id, duplicate: !row.inserted, copies: Number(row.duplicates) + 1 };
    });
  }

  async load(inboxId: string): Promise<InboxEventEntity | null> {
    return this.unitOfWork.manager.getRepository(InboxEventEntity).findOneBy({ id: inboxId });
  }

  /** Records how processing ended (in the consumer's transaction). */
  async complete(inboxId: string, status: Exclude<InboxStatus, 'received'>, outcome: string): Promise<void> {
    await this.unitOfWork.manager
      .getRepository(InboxEventEntity)
      .update({ id: inboxId }, { status, outcome: outcome.slice(0, 2_000), processedAt: new Date() });
  }
}
