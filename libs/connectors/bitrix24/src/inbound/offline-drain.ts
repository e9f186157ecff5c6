import { AppConfig, REDIS_CLIENT } from '@app/core';
import { InboxService } from '@app/events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BITRIX24_EVENT_RECEIVED, BITRIX24_INBOX_DESTINATION, BITRIX24_SOURCE } from '../bitrix24.constants';
import { Bitrix24Client, PAGE_SIZE } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { Bitrix24Credentials } from '../client/credentials';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { inboxSubjectOf, subjectOf } from './event-payload';
import { SyncCursors } from './sync-cursors';

interface OfflineEvent {
  readonly ID: string;
  readonly TIMESTAMP_X: string;
  readonly EVENT_NAME: string;
  readonly EVENT_DATA: unknown;
  readonly MESSAGE_ID: string;
}

interface OfflineAnswer {
  readonly process_id: string | null;
  readonly events: OfflineEvent[];
}

/** A drain never runs forever: the rest waits for the next poll or ONOFFLINEEVENT signal. */
const MAX_ROUNDS = 40;
/** How long a reservation counts as owned by a live drain. */
const PROCESS_LEASE_MS = 10 * 60_000;

/**
 * OAuth mode's "lose nothing" channel (protocol doc §6.2): events are bound `offline` under our `auth_connector`, so
 * the portal queues them while we are down and never queues our own writes. The drain reserves a page
 * (`event.offline.get clear=0` → `process_id`), stores each event in the inbox, and only then clears the page;
 * events the inbox could not take are marked with `event.offline.error` and stay on the portal.
 */
@Injectable()
export class OfflineQueueDrain {
  private readonly logger = new Logger(OfflineQueueDrain.name);
  private running?: Promise<number>;

  constructor(
    private readonly config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly credentials: Bitrix24Credentials,
    private readonly inbox: InboxService,
    private readonly cursors: SyncCursors,
    private readonly mappings: Bitrix24MappingProvider,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** The events to bind offline: every event of a mapped entity. */
  eventNames(): string[] {
    const names: string[] = [];
    for (const mapping of Object.values(this.mappings.mapping.entities)) {
      if (mapping?.representation === 'catalog_product') {
        names.push('CATALOG.PRODUCT.ON.ADD', 'CATALOG.PRODUCT.ON.UPDATE', 'CATALOG.PRODUCT.ON.DELETE');
      } else if (mapping?.representation === 'crm_item') {
        const prefix =
          mapping.entityTypeId === 3
            ? 'ONCRMCONTACT'
            : mapping.entityTypeId === 4
              ? 'ONCRMCOMPANY'
              : 'ONCRMDYNAMICITEM';
        names.push(`${prefix}ADD`, `${prefix}UPDATE`, `${prefix}DELETE`);
      }
    }
    return [...new Set(names)];
  }

  async active(): Promise<boolean> {
    return this.config.bitrix24.authMode === 'oauth' && (await this.credentials.activeInstallation()) !== null;
  }

  /** Binds what is missing (`event.get` first: a second identical bind is an error on the portal). */
  async ensureBindings(): Promise<number> {
    if (!(await this.active())) {
      return 0;
    }
    const bound = await this.client.call<Array<Record<string, unknown>>>('event.get', {}, { write: false });
    const existing = new Set(
      (Array.isArray(bound.result) ? bound.result : [])
        .filter((row) => Number(row.offline) === 1 && (row.connector_id ?? '') === this.config.bitrix24.authConnector)
        .map((row) => String(row.event).toUpperCase()),
    );
    let added = 0;
    for (const event of this.eventNames().filter((name) => !existing.has(name))) {
      // A retried bind whose first answer was lost finds the handler already there: that is success.
      await this.client
        .call('event.bind', { event, event_type: 'offline' }, { write: false })
        .catch((error: unknown) => {
          if (!(error instanceof Bitrix24Error && error.bitrixCode === 'ERROR_HANDLER_ALREADY_EXIST')) {
            throw error;
          }
        });
      added += 1;
    }
    if (added > 0) {
      this.logger.log(`Bound ${added} offline event(s) with auth_connector ${this.config.bitrix24.authConnector}`);
    }
    return added;
  }

  /** Drains the queue; concurrent calls in this process share one run. Returns how many events were stored. */
  drain(): Promise<number> {
    this.running ??= this.drainOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drainOnce(): Promise<number> {
    if (!(await this.active())) {
      return 0;
    }
    let stored = await this.recoverOrphans();
    // Fresh events, then the ones an earlier drain could not store (marked with event.offline.error).
    for (const error of [0, 1]) {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        // A reservation, not a plain read: never repeated blindly (a lost answer would reserve a second page,
        // which recoverOrphans picks up later).
        const answer = await this.client.call<OfflineAnswer>(
          'event.offline.get',
          { clear: 0, limit: PAGE_SIZE, error },
          { write: true },
        );
        const events = Array.isArray(answer.result?.events) ? answer.result.events : [];
        const processId = answer.result?.process_id;
        if (events.length === 0 || !processId) {
          break;
        }
        await this.markOurs(processId);
        stored += await this.storeAndConfirm(processId, events);
        if (events.length < PAGE_SIZE) {
          break;
        }
      }
    }
    await this.cursors.set('offline-queue', { lastDrainAt: new Date().toISOString(), stored });
    return stored;
  }

  /**
   * Stores a reserved page in the inbox, then confirms it: stored events are cleared, the rest marked as errors so
   * the next drain (error=1) tries them again. Returns how many were stored.
   */
  private async storeAndConfirm(processId: string, events: OfflineEvent[]): Promise<number> {
    const failed: string[] = [];
    for (const event of events) {
      try {
        const name = String(event.EVENT_NAME).toUpperCase();
        await this.inbox.receive({
          source: BITRIX24_SOURCE,
          // The queue merges repeats of one message (same MESSAGE_ID) into a row with a new timestamp, and a
          // timestamp has whole seconds: only the row id tells two changes within one second apart.
          dedupKey: `offline|${event.ID}|${event.MESSAGE_ID}|${event.TIMESTAMP_X}`,
          type: name,
          subject: inboxSubjectOf(subjectOf(name, event.EVENT_DATA)),
          payload: { event: event.EVENT_NAME, data: event.EVENT_DATA || null, ts: event.TIMESTAMP_X, via: 'offline' },
          destination: BITRIX24_INBOX_DESTINATION,
          eventType: BITRIX24_EVENT_RECEIVED,
        });
      } catch (error) {
        this.logger.warn(`Could not store offline event ${event.ID}: ${String(error)}`);
        failed.push(event.MESSAGE_ID);
      }
    }
    if (failed.length > 0) {
      await this.client.call('event.offline.error', { process_id: processId, message_id: failed }, { write: false });
    }
    const done = events.map((event) => event.MESSAGE_ID).filter((id) => !failed.includes(id));
    if (done.length > 0) {
      await this.client.call('event.offline.clear', { process_id: processId, message_id: done }, { write: false });
    }
    return done.length;
  }

  /**
   * Rows reserved under a process id no live drain owns: an `event.offline.get` whose answer was lost, or a replica
   * that died between reserving and clearing. Left alone they would stay hidden for 30 days (protocol doc §6.2).
   * Taking over a live drain's page by mistake is harmless: the inbox de-duplicates and clearing twice is a no-op.
   */
  private async recoverOrphans(): Promise<number> {
    const listed = await this.client.call<Array<{ PROCESS_ID?: string }>>(
      'event.offline.list',
      { filter: { '!PROCESS_ID': '' }, order: { ID: 'ASC' } },
      { write: false },
    );
    const processIds = [
      ...new Set(
        (Array.isArray(listed.result) ? listed.result : []).map((row) => row.PROCESS_ID ?? '').filter(Boolean),
      ),
    ];
    let stored = 0;
    for (const processId of processIds) {
      if (await this.redis.exists(this.processKey(processId))) {
        continue;
      }
      this.logger.warn(`Recovering offline events reserved under an abandoned process ${processId}`);
      const answer = await this.client.call<OfflineAnswer>(
        'event.offline.get',
        { process_id: processId, clear: 0, limit: PAGE_SIZE },
        { write: false },
      );
      const events = Array.isArray(answer.result?.events) ? answer.result.events : [];
      if (events.length > 0) {
        stored += await this.storeAndConfirm(processId, events);
      }
    }
    return stored;
  }

  private async markOurs(processId: string): Promise<void> {
    await this.redis.set(this.processKey(processId), '1', 'PX', PROCESS_LEASE_MS);
  }

  private processKey(processId: string): string {
    return `${this.config.redis.keyPrefix}:bitrix24:offline-process:${processId}`;
  }
}
