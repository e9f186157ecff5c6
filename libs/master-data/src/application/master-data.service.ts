import { decodeCursor, encodeCursor, type Page, type Principal, toPage, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { COURIER_READABLE_KINDS, type MasterDataKind } from '../domain/master-data-kind';
import { MasterDataErrors, type Rejection } from '../domain/master-data.errors';
import type { MirrorRow, MirrorWrite } from '../domain/mirror-records';
import { contentHashOf } from '../domain/versioning';
import { MasterDataMetrics, type RowOutcome } from './master-data.metrics';
import { MirrorWriter } from './mirror-writer.service';
import { type FeedCursor, type MirrorListQuery, MirrorStore } from './ports/mirror-store.port';

/** One item of a JSON batch: a write ready for the version rules, or the reasons it could not become one. */
export type BatchItem<K extends MasterDataKind = MasterDataKind> =
  { readonly write: MirrorWrite<K> } | { readonly onecId: string | null; readonly rejections: readonly Rejection[] };

export interface ItemResult {
  /** The item's 1C id (the composite key of a price or a stock level); null when the item had no valid one. */
  readonly onecId: string | null;
  readonly outcome: RowOutcome;
  /** Our id of the row, when this item wrote it. */
  readonly rowId?: string;
  readonly rejections?: readonly Rejection[];
}

export interface BatchResult {
  /** In input order. */
  readonly results: readonly ItemResult[];
  readonly counts: Readonly<Record<RowOutcome, number>>;
}

/** A change-ordered list request: the store's filters, with the client's opaque cursor in place of a position. */
export type ListRequest = Omit<MirrorListQuery, 'after'> & { readonly cursor?: string };

export interface FeedStatus extends FeedCursor {
  /** Seconds since the feed last received anything. */
  readonly lagSeconds: number;
}

/** What a cursor of the change-ordered lists holds: the last row's writing transaction and id. */
const LIST_CURSOR = { tx: 'bigint', id: 'uuid' } as const;

/** A product's variants, read in pages of this size. */
const VARIANT_PAGE = 200;

/**
 * The mirror's use cases for 1C installations that push JSON rather than exchange files, and for every reader:
 * batches applied per item by the version rules, deletion marks, change-ordered reads, and the feeds' cursors.
 */
@Injectable()
export class MasterDataService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly writer: MirrorWriter,
    private readonly store: MirrorStore,
    private readonly metrics: MasterDataMetrics,
  ) {}

  /**
   * Applies the valid items in one transaction and answers every item in input order; an invalid item never stops
   * the others. Items refused before the version rules count on the API feed like the writer's own rejections.
   */
  async applyBatch<K extends MasterDataKind>(kind: K, items: readonly BatchItem<K>[]): Promise<BatchResult> {
    const writes = items.flatMap((item) => ('write' in item ? [item.write] : []));
    const invalid = items.length - writes.length;
    const written = await this.unitOfWork.run(async () => {
      if (invalid > 0) {
        await this.store.recordFeed(kind, 'api', { received: invalid, changed: 0, rejected: invalid });
        this.metrics.rowsWritten(kind, 'api', 'rejected', invalid);
      }
      return writes.length > 0 ? this.writer.apply(kind, writes, 'api') : [];
    });

    let next = 0;
    const results = items.map((item): ItemResult => {
      if (!('write' in item)) {
        return { onecId: item.onecId, outcome: 'rejected', rejections: item.rejections };
      }
      const result = written[next++];
      return result.outcome === 'rejected'
        ? { onecId: result.onecId, outcome: 'rejected', rejections: result.rejections }
        : { onecId: result.onecId, outcome: result.outcome, ...(result.id === undefined ? {} : { rowId: result.id }) };
    });
    const counts: Record<RowOutcome, number> = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
    results.forEach((result) => (counts[result.outcome] += 1));
    return { results, counts };
  }

  /**
   * 1C's deletion mark, set through the API: the row keeps its content and its version (only a newer version from
   * 1C brings it back), and the change is announced like any other so that Bitrix24 deactivates its copy. Marking
   * a deleted row again changes nothing.
   */
  async markDeleted(
    kind: MasterDataKind,
    idOrOnecId: string,
  ): Promise<{ outcome: 'updated' | 'unchanged'; row: MirrorRow }> {
    return this.unitOfWork.run(async () => {
      const found = await this.store.get(kind, idOrOnecId);
      if (!found) {
        throw MasterDataErrors.notFound(kind, idOrOnecId);
      }
      await this.store.lockVersions(kind, [found.onecId]);
      // Read again under the lock: a concurrent batch may have changed the row since.
      const row = (await this.store.get(kind, found.onecId))!;
      if (row.deleted) {
        return { outcome: 'unchanged', row };
      }
      const write: MirrorWrite = {
        kind,
        onecId: row.onecId,
        // A version that was the content hash stays one: the hash of the content now marked deleted.
        version: row.version === row.contentHash ? null : row.version,
        versionSeq: row.versionSeq,
        deleted: true,
        data: row.data,
        source: row.source,
      };
      const accepted = [{ write, contentHash: contentHashOf(write.data, true) }];
      await this.store.upsert(kind, accepted);
      await this.writer.announce(kind, accepted);
      await this.store.recordFeed(kind, 'api', { received: 1, changed: 1, rejected: 0 });
      this.metrics.rowsWritten(kind, 'api', 'updated', 1);
      return { outcome: 'updated', row: (await this.store.get(kind, row.onecId))! };
    });
  }

  /**
   * Rows of one kind in change order; `request.cursor` continues where the previous page ended. `resumeCursor` is
   * the position after the page's last row on every page (the given cursor when the page is empty): a client that
   * polls for changes keeps it from the last page and, with it, later sees exactly the rows changed since.
   */
  async list(kind: MasterDataKind, request: ListRequest): Promise<Page<MirrorRow> & { resumeCursor?: string }> {
    const { cursor, ...query } = request;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, LIST_CURSOR);
    const rows = await this.store.list(kind, {
      ...query,
      ...(after ? { after: { changeTx: after.tx, id: after.id } } : {}),
    });
    const page = toPage(
      rows,
      query.limit,
      ({ row }) => row,
      ({ position }) => ({ tx: position.changeTx, id: position.id }),
    );
    const last = rows.slice(0, query.limit).at(-1);
    const resumeCursor = last ? encodeCursor({ tx: last.position.changeTx, id: last.position.id }) : cursor;
    return resumeCursor === undefined ? page : { ...page, resumeCursor };
  }

  /** One row by our id or its 1C id; a product comes with its variants (deleted and deactivated ones included). */
  async get(kind: MasterDataKind, idOrOnecId: string): Promise<{ row: MirrorRow; variants?: MirrorRow[] }> {
    const row = await this.store.get(kind, idOrOnecId);
    if (!row) {
      throw MasterDataErrors.notFound(kind, idOrOnecId);
    }
    if (kind !== 'products' || (row as MirrorRow<'products'>).data.parentId !== null) {
      return { row };
    }
    const variants: MirrorRow[] = [];
    let after: MirrorListQuery['after'];
    for (;;) {
      const page = await this.store.list('products', {
        limit: VARIANT_PAGE,
        includeDeleted: true,
        productId: row.onecId,
        ...(after ? { after } : {}),
      });
      variants.push(
        ...page.slice(0, VARIANT_PAGE).flatMap(({ row: candidate }) => (candidate.id === row.id ? [] : [candidate])),
      );
      if (page.length <= VARIANT_PAGE) {
        return { row, variants };
      }
      after = page[VARIANT_PAGE - 1].position;
    }
  }

  /** A courier reads what it needs in the field and nothing else; `admin` and `1c` read every kind. */
  assertReadable(kind: MasterDataKind, principal: Principal): void {
    const privileged = principal.roles.some((role) => role === 'admin' || role === '1c');
    if (!privileged && !COURIER_READABLE_KINDS.includes(kind)) {
      throw MasterDataErrors.kindNotReadable(kind);
    }
  }

  /** Each feed (kind and source) with its progress and how long it has been silent. */
  async feeds(now: Date = new Date()): Promise<FeedStatus[]> {
    const cursors = await this.store.feedCursors();
    return cursors.map((cursor) => ({
      ...cursor,
      lagSeconds: Math.max(0, Math.floor((now.getTime() - cursor.lastReceivedAt.getTime()) / 1000)),
    }));
  }
}
