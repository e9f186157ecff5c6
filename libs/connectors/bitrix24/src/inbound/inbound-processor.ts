import { AppConfig, IntegrationError } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Client } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import { catalogMapping, crmMappingOfType } from '../mapping/bitrix24-mapping';
import { EntityCodec, idOf, type RemoteEntity, type WritableMapping } from '../mapping/entity-codec';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { InvalidRowValueError, listProductRows, productRowsOf, toInboundRow } from '../mapping/product-rows';
import type { InboundChange, InboundProductRow, InboundSource } from '../ports/inbound-change.port';
import {
  EntityLinkRepository,
  isOurs,
  ownWriteInTheWay,
  UNLINKED_KEY_PREFIX,
  WRITE_ANSWER_WINDOW_MS,
} from '../sync/entity-link.repository';
import type { EventSubject } from './event-payload';
import { InboundHandlers } from './inbound-handlers';

/** How soon an event whose re-read met a write of ours is read again: the write's answer is usually that close. */
const OWN_WRITE_RETRY_MS = 250;

/** An item with more lines than this is not a sale a courier made; stop paging rather than loop on a bad answer. */
const MAX_ROW_PAGES = 20;

/**
 * Turns "entity X changed" into an applied change: events carry only ids, so the entity is re-read through REST
 * with our own credentials, and handed to its kind's handler only when it is newer than what we hold and differs
 * from it, which also filters out our own writes coming back (their hash was recorded from the write's answer).
 * Outcomes start with `applied`, `unhandled` (no handler: recorded), `ignored` or `deferred` (a write of ours was
 * in the way: an event's re-read is retried, a reconcile leaves the entity to its next run's overlap).
 */
@Injectable()
export class InboundProcessor {
  constructor(
    private readonly config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly links: EntityLinkRepository,
    private readonly mappings: Bitrix24MappingProvider,
    private readonly handlers: InboundHandlers,
    private readonly kinds: Bitrix24EntityKinds,
  ) {}

  codecFor(subject: EventSubject): EntityCodec | undefined {
    let mapping: WritableMapping | undefined;
    if (subject.type === 'crm') {
      mapping = crmMappingOfType(this.mappings.mapping, subject.entityTypeId);
    } else if (subject.type === 'product') {
      mapping = catalogMapping(this.mappings.mapping);
    }
    return mapping ? new EntityCodec(mapping, this.config.bitrix24.originatorId) : undefined;
  }

  /** Returns a short outcome for the inbox row. */
  async processSubject(subject: EventSubject, source: InboundSource): Promise<string> {
    if (subject.type !== 'crm' && subject.type !== 'product') {
      return `ignored: ${subject.type} events are not mapped`;
    }
    const codec = this.codecFor(subject);
    if (!codec) {
      return `ignored: ${subject.type === 'crm' ? `CRM type ${subject.entityTypeId}` : 'products'} not mapped`;
    }
    if (subject.deleted) {
      return this.applyDeleted(codec, subject.id, source);
    }
    const readFrom = await this.links.readingStart(codec.mapping.kind, subject.id);
    if (ownWriteInTheWay({ writingSince: readFrom.writingSince, writtenAt: null }, readFrom.at)) {
      throw ownWriteOnItsWay(codec.mapping.kind, subject.id);
    }
    const get = codec.get(subject.id);
    try {
      const answer = await this.client.call(get.method, get.params, {
        write: false,
        entityType: codec.mapping.kind,
        entityId: subject.id,
      });
      const entity = codec.entityOf(answer.result);
      if (!entity) {
        throw new Bitrix24Error('transient', 'BITRIX24_UNEXPECTED_ANSWER', `${get.method} returned no entity`, {
          outcome: 'rejected',
        });
      }
      const outcome = await this.applyRemote(codec, entity, source, readFrom.at);
      if (outcome.startsWith('deferred')) {
        throw ownWriteOnItsWay(codec.mapping.kind, subject.id);
      }
      return outcome;
    } catch (error) {
      if (error instanceof Bitrix24Error && error.code === 'BITRIX24_NOT_FOUND') {
        // Gone by the time we asked: an update event followed by a delete we may or may not see.
        return this.applyDeleted(codec, subject.id, source);
      }
      throw error;
    }
  }

  /** `readFrom`: the database's clock taken before `entity` was read ({@link EntityLinkRepository.readingStart}). */
  async applyRemote(codec: EntityCodec, entity: RemoteEntity, source: InboundSource, readFrom: Date): Promise<string> {
    const kind = codec.mapping.kind;
    const bitrixId = idOf(entity.id);
    const externalId = codec.externalIdOf(entity);
    const { link, key } = await this.links.owner(kind, bitrixId, externalId);
    if (link?.state === 'creating' && Date.now() - link.updatedAt.getTime() < WRITE_ANSWER_WINDOW_MS) {
      // Our create landed and its answer is on its way (it records the hash): an event or a reconcile read that
      // gets here first is our own write, not a change made in Bitrix24. A create whose answer never comes is
      // resolved by the lookup of its next attempt.
      return 'ignored: our own write';
    }
    const inTheWay = ownWriteInTheWay(link, readFrom);
    if (inTheWay) {
      return `deferred: a write of ours ${inTheWay}`;
    }
    const remoteUpdatedAt = codec.updatedAt(entity);
    const hash = codec.contentHash(entity);
    if (link?.remoteUpdatedAt && remoteUpdatedAt && remoteUpdatedAt < link.remoteUpdatedAt) {
      return 'ignored: older than the state we hold';
    }
    if (link?.contentHash === hash) {
      await this.links.recordSeen(kind, key, bitrixId, remoteUpdatedAt, hash);
      return link.writtenHash === hash ? 'ignored: our own write' : 'ignored: no change';
    }
    const ours = codec.toOurs(entity);
    // Read only for a change that is passed on: our own writes coming back and unchanged re-reads cost nothing more.
    const productRows = await this.productRowsOf(codec, bitrixId);
    const outcome = await this.passOn({
      kind,
      externalId: key.startsWith(UNLINKED_KEY_PREFIX) ? externalId : key,
      bitrixId,
      entityTypeId: codec.entityTypeId,
      deleted: false,
      fields: ours.fields,
      status: ours.status,
      remoteUpdatedAt,
      source,
      ...(productRows === undefined ? {} : { productRows }),
    });
    await this.links.recordSeen(kind, key, bitrixId, remoteUpdatedAt, hash);
    return outcome;
  }

  /**
   * The item's lines, for a kind registered with `productRows`: every page of `crm.item.productrow.list` (one call
   * for up to 50 lines), then our ids of their catalog products in one query. Undefined for other kinds.
   */
  private async productRowsOf(codec: EntityCodec, bitrixId: string): Promise<InboundProductRow[] | undefined> {
    const entityTypeId = codec.entityTypeId;
    if (entityTypeId === undefined || this.kinds.get(codec.mapping.kind)?.productRows !== true) {
      return undefined;
    }
    const rows = [];
    let start: number | undefined = 0;
    for (let page = 0; start !== undefined; page++) {
      if (page === MAX_ROW_PAGES) {
        throw new Bitrix24Error(
          'permanent',
          'BITRIX24_UNEXPECTED_ANSWER',
          `${codec.mapping.kind} ${bitrixId} has more than ${MAX_ROW_PAGES} pages of product rows`,
          { outcome: 'rejected' },
        );
      }
      const list = listProductRows(entityTypeId, bitrixId, start);
      const answer = await this.client.call(list.method, list.params, {
        write: false,
        entityType: codec.mapping.kind,
        entityId: bitrixId,
      });
      rows.push(...productRowsOf(answer.result));
      start = answer.next !== undefined && answer.next > start ? answer.next : undefined;
    }
    const catalogKind = catalogMapping(this.mappings.mapping)?.kind;
    const productIds = rows.map((row) => idOf(row.productId)).filter((id) => id !== '' && id !== '0');
    const holders = catalogKind ? await this.links.holders(catalogKind, productIds) : new Map<string, string>();
    const ours = new Map([...holders].filter(([, key]) => isOurs(key)));
    try {
      return rows.map((row) => toInboundRow(row, ours));
    } catch (error) {
      if (error instanceof InvalidRowValueError) {
        throw new Bitrix24Error(
          'permanent',
          'BITRIX24_UNEXPECTED_ANSWER',
          `${codec.mapping.kind} ${bitrixId}: ${error.message}`,
          {
            outcome: 'rejected',
          },
        );
      }
      throw error;
    }
  }

  private async applyDeleted(codec: EntityCodec, bitrixId: string, source: InboundSource): Promise<string> {
    const kind = codec.mapping.kind;
    const link = await this.links.byBitrixId(kind, bitrixId);
    const outcome = await this.passOn({
      kind,
      externalId: link?.externalId,
      bitrixId,
      entityTypeId: codec.entityTypeId,
      deleted: true,
      fields: {},
      source,
    });
    if (link) {
      await this.links.markAbsent(kind, [link.externalId]);
    }
    return `${outcome} (deleted)`;
  }

  private async passOn(change: InboundChange): Promise<string> {
    return (await this.handlers.dispatch(change)) === 'handled'
      ? 'applied'
      : `unhandled: no inbound handler for ${change.kind}, recorded for the admin API`;
  }
}

/** Not a failure: the attempt is given back and the event read again shortly (see the consumer host). */
function ownWriteOnItsWay(kind: string, bitrixId: string): IntegrationError {
  return new IntegrationError(
    'deferred',
    'BITRIX24_OWN_WRITE_IN_FLIGHT',
    `${kind} ${bitrixId}: a write of ours is on its way; read again once its answer is recorded`,
    { system: 'bitrix24', retryAt: new Date(Date.now() + OWN_WRITE_RETRY_MS) },
  );
}
