import { Injectable } from '@nestjs/common';
import { Bitrix24Client, PAGE_SIZE } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { idOf, type EntityCodec, type RemoteEntity } from '../mapping/entity-codec';
import {
  RemoteEntityDirectory,
  type RemoteEntityPage,
  type RemoteEntitySnapshot,
} from '../ports/remote-entity-directory.port';
import { asCodedError, EntityCodecs } from './entity-codecs';
import { EntityLinkRepository } from './entity-link.repository';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/**
 * Portal pages read per call at most: a kind with many entities we never wrote (created in the UI) must not hold
 * one call for minutes; the caller gets a short page and `next`.
 */
const MAX_PAGES_PER_CALL = 20;
const BITRIX_ID = /^[1-9]\d*$/;

@Injectable()
export class Bitrix24RemoteEntityDirectory extends RemoteEntityDirectory {
  constructor(
    private readonly client: Bitrix24Client,
    private readonly codecs: EntityCodecs,
    private readonly links: EntityLinkRepository,
  ) {
    super();
  }

  async list(kind: string, page: { readonly after?: string; readonly limit?: number } = {}): Promise<RemoteEntityPage> {
    const codec = this.codecs.forKind(kind);
    const limit = page.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(page.limit)}`);
    }
    if (page.after !== undefined && !BITRIX_ID.test(page.after)) {
      throw invalid(`after must be a cursor this directory returned, got "${page.after}"`);
    }
    let after = page.after ?? '0';
    const items: RemoteEntitySnapshot[] = [];
    for (let read = 0; read < MAX_PAGES_PER_CALL; read++) {
      const command = codec.list({ ...codec.ownedFilter, '>id': Number(after) }, { id: 'ASC' });
      const answer = await this.client.call(command.method, command.params, { write: false });
      const rows = codec.listed(answer.result);
      for (const [index, row] of rows.entries()) {
        after = idOf(row.id);
        const snapshot = snapshotOf(codec, row);
        if (snapshot) {
          items.push(snapshot);
        }
        if (items.length === limit) {
          const more = index < rows.length - 1 || rows.length === PAGE_SIZE;
          return more ? { items, next: after } : { items };
        }
      }
      if (rows.length < PAGE_SIZE) {
        return { items };
      }
    }
    return { items, next: after };
  }

  async updateById(kind: string, bitrixId: string, fields: Readonly<Record<string, unknown>>): Promise<void> {
    const codec = this.codecs.forKind(kind);
    if (!BITRIX_ID.test(bitrixId)) {
      throw invalid(`${kind}: "${bitrixId}" is not a Bitrix24 id`);
    }
    const existing = codec.needsExisting(fields) ? await this.read(codec, bitrixId) : undefined;
    let mapped: Record<string, unknown>;
    try {
      mapped = codec.mapped(kind, fields, existing ?? {});
    } catch (error) {
      throw asCodedError(error);
    }
    if (Object.keys(mapped).length === 0) {
      return;
    }
    const update = codec.update(bitrixId, mapped);
    await this.links.markWriting(kind, [bitrixId]);
    let answer: Awaited<ReturnType<Bitrix24Client['call']>>;
    try {
      answer = await this.client.call(update.method, update.params, {
        write: true,
        entityType: kind,
        entityId: bitrixId,
      });
    } catch (error) {
      if (error instanceof Bitrix24Error && error.outcome !== 'unknown') {
        await this.links.endWriting(kind, [bitrixId]);
      }
      throw error;
    }
    const entity = codec.entityOf(answer.result);
    if (!entity) {
      throw new Bitrix24Error('transient', 'BITRIX24_UNEXPECTED_ANSWER', `${update.method} returned no entity`, {
        method: update.method,
        outcome: 'unknown',
      });
    }
    // As for the batcher's writes: the hash of what we wrote tells our own change from a real one when it comes back.
    const { key } = await this.links.owner(kind, bitrixId, codec.externalIdOf(entity));
    await this.links.recordWrites(kind, [
      { externalId: key, bitrixId, remoteUpdatedAt: codec.updatedAt(entity), contentHash: codec.contentHash(entity) },
    ]);
  }

  drift(snapshot: RemoteEntitySnapshot, fields: Readonly<Record<string, unknown>>): string[] {
    const codec = this.codecs.forKind(snapshot.kind);
    try {
      return codec.drift(snapshot.fields, fields);
    } catch (error) {
      throw asCodedError(error);
    }
  }

  private async read(codec: EntityCodec, bitrixId: string): Promise<RemoteEntity> {
    const get = codec.get(bitrixId);
    const answer = await this.client.call(get.method, get.params, {
      write: false,
      entityType: codec.mapping.kind,
      entityId: bitrixId,
    });
    const entity = codec.entityOf(answer.result);
    if (!entity) {
      throw new Bitrix24Error('transient', 'BITRIX24_UNEXPECTED_ANSWER', `${get.method} returned no entity`, {
        method: get.method,
        outcome: 'rejected',
      });
    }
    return entity;
  }
}

function snapshotOf(codec: EntityCodec, row: RemoteEntity): RemoteEntitySnapshot | undefined {
  const externalId = codec.externalIdOf(row);
  if (externalId === undefined) {
    return undefined;
  }
  const ours = codec.toOurs(row);
  const remoteUpdatedAt = codec.updatedAt(row);
  return {
    kind: codec.mapping.kind,
    bitrixId: idOf(row.id),
    externalId,
    fields: ours.fields,
    ...(ours.status === undefined ? {} : { status: ours.status }),
    ...(remoteUpdatedAt === undefined ? {} : { remoteUpdatedAt }),
  };
}

function invalid(message: string): Bitrix24Error {
  return new Bitrix24Error('permanent', 'BITRIX24_INVALID_REQUEST', message, { outcome: 'not_sent' });
}
