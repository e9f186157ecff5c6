import { AppConfig } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { Bitrix24Client, itemsOf, PAGE_SIZE } from '../client/bitrix24-client';
import { EntityCodec, isWritable, type RemoteEntity } from '../mapping/entity-codec';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { EntityLinkRepository } from '../sync/entity-link.repository';
import { InboundProcessor } from './inbound-processor';
import { SyncCursors } from './sync-cursors';

/** Keyset position: the portal's own change time (its string, its clock) and the id among equal times. */
interface Cursor extends Record<string, unknown> {
  readonly time: string;
  readonly id: number;
}

/** The first run starts this far back: events are only "missed" relative to a run that came before. */
const FIRST_RUN_LOOKBACK_MS = 60 * 60_000;
const MAX_PAGES = 200;
const OVERLAP_MS = 60_000;

/**
 * Webhook mode's recovery of missed events (outgoing webhooks are fire-and-forget, protocol doc §6.1): lists every
 * mapped entity changed since the cursor, keyset-paged on (change time, id) so equal timestamps never stall it, and
 * runs each through the same newer-than-held check as events. The cursor uses the portal's timestamps, never ours.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger(Reconciler.name);
  private running?: Promise<number>;

  constructor(
    private readonly config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly mappings: Bitrix24MappingProvider,
    private readonly processor: InboundProcessor,
    private readonly cursors: SyncCursors,
    private readonly links: EntityLinkRepository,
  ) {}

  /**
   * Returns how many missed changes were passed on (to their handler, or recorded as unhandled); concurrent calls in
   * this process share one run.
   */
  run(): Promise<number> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<number> {
    if (!this.client.configured) {
      return 0;
    }
    let applied = 0;
    for (const mapping of Object.values(this.mappings.mapping.entities)) {
      if (isWritable(mapping)) {
        applied += await this.reconcile(new EntityCodec(mapping, this.config.bitrix24.originatorId));
      }
    }
    return applied;
  }

  private async reconcile(codec: EntityCodec): Promise<number> {
    const name = `reconcile:${codec.mapping.kind}`;
    const saved = await this.cursors.get<Cursor>(name);
    // Change times have whole seconds: an entity changed again within the cursor's second, but with a lower id than
    // the cursor's, would be skipped by a strict keyset. Every run re-scans a short overlap; what we already hold is
    // recognised by its hash and costs nothing but the read.
    let cursor: Cursor = saved
      ? { time: shiftPortalTime(saved.time, -OVERLAP_MS), id: 0 }
      : { time: new Date(Date.now() - FIRST_RUN_LOOKBACK_MS).toISOString(), id: 0 };
    const timeField = codec.mapping.representation === 'catalog_product' ? 'timestampX' : 'updatedTime';
    let applied = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const readFrom = (await this.links.readingStart(codec.mapping.kind)).at;
      // Rows sharing the cursor's timestamp, after its id; then rows with later timestamps.
      const same = await this.page(codec, { [`=${timeField}`]: cursor.time, '>id': cursor.id }, { id: 'ASC' });
      const rows =
        same.length === PAGE_SIZE
          ? same
          : [
              ...same,
              ...(await this.page(codec, { [`>${timeField}`]: cursor.time }, { [timeField]: 'ASC', id: 'ASC' })),
            ];
      for (const row of rows) {
        // A row deferred for a write of ours was changed just now: the next run's overlap reads it again.
        const outcome = await this.processor.applyRemote(codec, row, 'reconcile', readFrom);
        applied += outcome.startsWith('ignored') || outcome.startsWith('deferred') ? 0 : 1;
        cursor = { time: String(row[timeField]), id: Number(row.id) };
      }
      await this.cursors.set(name, { ...cursor, lastRunAt: new Date().toISOString() });
      if (rows.length < PAGE_SIZE && same.length < PAGE_SIZE) {
        break;
      }
    }
    if (applied > 0) {
      this.logger.log(`Reconcile passed on ${applied} missed ${codec.mapping.kind} change(s)`);
    }
    return applied;
  }

  private async page(
    codec: EntityCodec,
    filter: Record<string, unknown>,
    order: Record<string, string>,
  ): Promise<RemoteEntity[]> {
    const list = codec.list(filter, order);
    const answer = await this.client.call(list.method, list.params, { write: false });
    return itemsOf<RemoteEntity>(
      answer.result,
      codec.mapping.representation === 'catalog_product' ? 'products' : 'items',
    );
  }
}

/** Moves a portal timestamp (`2026-11-27T22:15:00+03:00`) keeping its offset, as the portal writes them. */
export function shiftPortalTime(time: string, deltaMs: number): string {
  const parsed = Date.parse(time);
  if (Number.isNaN(parsed)) {
    return time;
  }
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(time);
  if (!offset) {
    return new Date(parsed + deltaMs).toISOString();
  }
  const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  const local = new Date(parsed + deltaMs + minutes * 60_000).toISOString().slice(0, 19);
  return `${local}${offset[0]}`;
}
