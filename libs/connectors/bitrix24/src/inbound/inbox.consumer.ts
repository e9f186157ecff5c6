import { IntegrationError } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler, InboxService } from '@app/events';
import { Injectable } from '@nestjs/common';
import { BITRIX24_INBOX_DESTINATION } from '../bitrix24.constants';
import { Bitrix24Credentials } from '../client/credentials';
import { subjectOf } from './event-payload';
import type { InboundSource } from '../ports/inbound-change.port';
import { InboundProcessor } from './inbound-processor';
import { OfflineQueueDrain } from './offline-drain';

interface StoredEvent {
  readonly event?: string;
  readonly data?: unknown;
  readonly via?: InboundSource;
  readonly auth?: { readonly member_id?: string | null };
}

/** Processes what the receiver and the offline drain stored: re-read, compare, apply (see InboundProcessor). */
@Injectable()
@EventConsumer({ destination: BITRIX24_INBOX_DESTINATION, transactional: false })
export class Bitrix24InboxConsumer implements EventHandler<{ inboxId: string }> {
  constructor(
    private readonly inbox: InboxService,
    private readonly processor: InboundProcessor,
    private readonly drain: OfflineQueueDrain,
    private readonly credentials: Bitrix24Credentials,
  ) {}

  async handle(event: CloudEvent<{ inboxId: string }>): Promise<void> {
    const row = await this.inbox.load(event.data.inboxId);
    if (!row) {
      throw new IntegrationError('permanent', 'BITRIX24_INBOX_ROW_MISSING', `Inbox row ${event.data.inboxId} is gone`);
    }
    const stored = (row.payload ?? {}) as StoredEvent;
    const subject = subjectOf(String(stored.event ?? row.type).toUpperCase(), stored.data);
    let outcome: string;
    switch (subject.type) {
      case 'offline_signal':
        outcome = `drained ${await this.drain.drain()} offline event(s)`;
        break;
      case 'uninstall':
        if (stored.auth?.member_id) {
          await this.credentials.uninstall(stored.auth.member_id);
        }
        outcome = 'installation revoked';
        break;
      case 'crm':
      case 'product':
      case 'task':
      case 'other':
        outcome = await this.processor.processSubject(subject, stored.via ?? 'webhook');
        break;
    }
    await this.inbox.complete(row.id, 'processed', outcome);
  }
}
