import { decodeCursor, Page, toPage, UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { InboundChange } from '../ports/inbound-change.port';
import { Bitrix24InboundChangeEntity } from './inbound-change.entity';

export interface UnhandledChangeView {
  readonly id: string;
  readonly kind: string;
  readonly externalId?: string;
  readonly bitrixId: string;
  readonly entityTypeId?: number;
  readonly deleted: boolean;
  readonly fields: Record<string, unknown>;
  readonly status?: string;
  readonly remoteUpdatedAt?: string;
  readonly source: string;
  readonly recordedAt: string;
}

/**
 * Changes learnt from Bitrix24 for a kind no domain module handles: kept in full, so nothing is lost until a handler
 * exists, and listed for the admin API.
 */
@Injectable()
export class UnhandledInboundChanges {
  private readonly logger = new Logger(UnhandledInboundChanges.name);

  constructor(private readonly unitOfWork: UnitOfWork) {}

  async record(change: InboundChange): Promise<string> {
    const inserted = await this.unitOfWork.manager.getRepository(Bitrix24InboundChangeEntity).insert({
      kind: change.kind,
      externalId: change.externalId ?? null,
      bitrixId: change.bitrixId,
      entityTypeId: change.entityTypeId ?? null,
      deleted: change.deleted,
      fields: change.fields as never,
      status: change.status ?? null,
      remoteUpdatedAt: change.remoteUpdatedAt ?? null,
      source: change.source,
    });
    const id = String((inserted.identifiers[0] as { id: string }).id);
    this.logger.log(
      `Bitrix24 change recorded as unhandled #${id}: ${change.kind} ${change.bitrixId}` +
        `${change.deleted ? ' (deleted)' : ''} via ${change.source}, no inbound handler for ${change.kind}`,
    );
    return id;
  }

  /** Newest first. */
  async list(filter: { kind?: string }, cursor: string | undefined, limit: number): Promise<Page<UnhandledChangeView>> {
    const builder = this.unitOfWork.manager
      .getRepository(Bitrix24InboundChangeEntity)
      .createQueryBuilder('change')
      .orderBy('change.id', 'DESC')
      .limit(limit + 1);
    if (filter.kind) {
      builder.andWhere('change.kind = :kind', { kind: filter.kind });
    }
    if (cursor) {
      const { id } = decodeCursor(cursor, { id: 'bigint' });
      builder.andWhere('change.id < :cursorId', { cursorId: id });
    }
    return toPage(await builder.getMany(), limit, toView, (row) => ({ id: row.id }));
  }
}

function toView(row: Bitrix24InboundChangeEntity): UnhandledChangeView {
  return {
    id: row.id,
    kind: row.kind,
    ...(row.externalId === null ? {} : { externalId: row.externalId }),
    bitrixId: row.bitrixId,
    ...(row.entityTypeId === null ? {} : { entityTypeId: row.entityTypeId }),
    deleted: row.deleted,
    fields: row.fields,
    ...(row.status === null ? {} : { status: row.status }),
    ...(row.remoteUpdatedAt === null ? {} : { remoteUpdatedAt: row.remoteUpdatedAt.toISOString() }),
    source: row.source,
    recordedAt: row.recordedAt.toISOString(),
  };
}
