import { randomUUID } from 'node:crypto';
import { AppError, MetricsService, type Principal, UnitOfWork } from '@app/core';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { MirrorRow, MirrorSource, MirrorWrite, ProductData } from '../domain/mirror-records';
import type { StoredVersion } from '../domain/versioning';
import { productData } from './bitrix24-doubles.spec-helper';
import { MasterDataMetrics } from './master-data.metrics';
import { type BatchItem, MasterDataService } from './master-data.service';
import { MirrorWriter } from './mirror-writer.service';
import { ChangeAnnouncer, type ChangedEntity } from './ports/change-announcer.port';
import {
  type AcceptedWrite,
  type FeedCursor,
  type MirrorListPosition,
  type MirrorListQuery,
  MirrorStore,
} from './ports/mirror-store.port';

/**
 * The mirror in memory, for what these use cases need of it: rows per kind in change order, the API feed's counts,
 * and of the list filters only `productId` on products (a product and its variants). Each write is its own
 * "transaction", so the change order is the write order.
 */
class InMemoryMirrorStore extends MirrorStore {
  readonly rows = new Map<MasterDataKind, Map<string, MirrorRow & { changeTx: number }>>();
  readonly feeds: {
    kind: MasterDataKind;
    source: MirrorSource;
    received: number;
    changed: number;
    rejected: number;
  }[] = [];
  private changes = 0;
  lastReceivedAt = new Date('2026-01-01T00:00:00Z');

  private of(kind: MasterDataKind) {
    const rows = this.rows.get(kind) ?? new Map<string, MirrorRow & { changeTx: number }>();
    this.rows.set(kind, rows);
    return rows;
  }

  lockVersions(kind: MasterDataKind, onecIds: readonly string[]): Promise<Map<string, StoredVersion>> {
    const rows = this.of(kind);
    return Promise.resolve(
      new Map(onecIds.flatMap((onecId) => (rows.has(onecId) ? [[onecId, rows.get(onecId)!] as const] : []))),
    );
  }

  existing(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(onecIds.filter((onecId) => this.of(kind).has(onecId))));
  }

  byBitrixId(kind: MasterDataKind, bitrixId: string): Promise<MirrorRow | undefined> {
    return Promise.resolve([...this.of(kind).values()].find((row) => row.bitrixId === bitrixId));
  }

  active(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>> {
    const rows = this.of(kind);
    return Promise.resolve(
      new Set(
        onecIds.filter((onecId) => rows.has(onecId) && !rows.get(onecId)!.deleted && !rows.get(onecId)!.deactivated),
      ),
    );
  }

  existingGoods(onecIds: readonly string[]): Promise<Set<string>> {
    return this.existing('products', onecIds);
  }

  upsert(kind: MasterDataKind, writes: readonly AcceptedWrite[]): Promise<Map<string, string>> {
    const rows = this.of(kind);
    const changeTx = ++this.changes;
    const ids = new Map<string, string>();
    for (const { write, contentHash } of writes) {
      const stored = rows.get(write.onecId);
      const now = new Date();
      rows.set(write.onecId, {
        id: stored?.id ?? randomUUID(),
        kind,
        onecId: write.onecId,
        version: write.version ?? contentHash,
        versionSeq: write.versionSeq,
        contentHash,
        deleted: write.deleted,
        deactivated: false,
        bitrixId: stored?.bitrixId ?? null,
        source: write.source,
        data: write.data,
        createdAt: stored?.createdAt ?? now,
        updatedAt: now,
        changeTx,
      });
      ids.set(write.onecId, rows.get(write.onecId)!.id);
    }
    return Promise.resolve(ids);
  }

  get(kind: MasterDataKind, idOrOnecId: string): Promise<MirrorRow | undefined> {
    const rows = [...this.of(kind).values()];
    return Promise.resolve(rows.find((row) => row.id === idOrOnecId) ?? this.of(kind).get(idOrOnecId));
  }

  list(kind: MasterDataKind, query: MirrorListQuery): Promise<{ row: MirrorRow; position: MirrorListPosition }[]> {
    const { limit, after, includeDeleted, productId, ...others } = query;
    if (Object.values(others).some((value) => value !== undefined)) {
      throw new Error('this double filters by product only');
    }
    const key = (row: { changeTx: number; id: string }) => `${String(row.changeTx).padStart(12, '0')}|${row.id}`;
    const from = after ? `${after.changeTx.padStart(12, '0')}|${after.id}` : '';
    const rows = [...this.of(kind).values()]
      .filter((row) => key(row) > from)
      .filter((row) => includeDeleted || (!row.deleted && !row.deactivated))
      .filter(
        (row) =>
          productId === undefined || row.onecId === productId || (row.data as ProductData).parentId === productId,
      )
      .sort((a, b) => key(a).localeCompare(key(b)))
      .slice(0, limit + 1);
    return Promise.resolve(rows.map((row) => ({ row, position: { changeTx: String(row.changeTx), id: row.id } })));
  }

  touch(): Promise<void> {
    return Promise.reject(new Error('the JSON API touches no exchange'));
  }

  deactivateUntouched(): Promise<string[]> {
    return Promise.reject(new Error('the JSON API deactivates nothing'));
  }

  forgetTouches(): Promise<void> {
    return Promise.reject(new Error('the JSON API touches no exchange'));
  }

  recordFeed(
    kind: MasterDataKind,
    source: MirrorSource,
    progress: { received: number; changed: number; rejected: number },
  ): Promise<void> {
    this.feeds.push({
      kind,
      source,
      received: progress.received,
      changed: progress.changed,
      rejected: progress.rejected,
    });
    return Promise.resolve();
  }

  feedCursors(): Promise<FeedCursor[]> {
    return Promise.resolve([
      {
        kind: 'products',
        source: 'api',
        lastVersion: '7',
        lastVersionSeq: '7',
        lastReceivedAt: this.lastReceivedAt,
        lastChangedAt: null,
        received: 3,
        changed: 2,
        rejected: 1,
      },
    ]);
  }
}

class RecordingAnnouncer extends ChangeAnnouncer {
  readonly announced: ChangedEntity[] = [];
  announce(changes: readonly ChangedEntity[]): Promise<void> {
    this.announced.push(...changes);
    return Promise.resolve();
  }
}

/** No database here: the store double has no transactions, so the work runs as it is. */
class DirectUnitOfWork extends UnitOfWork {
  constructor() {
    super(undefined as never);
  }
  override run<T>(work: (manager: never) => Promise<T>): Promise<T> {
    return work(undefined as never);
  }
}

const PRODUCT = '0a4f3b1e-0000-4000-8000-000000000010';
const VARIANT = `${PRODUCT}#0a4f3b1e-0000-4000-8000-000000000011`;

function product(onecId: string, version: bigint, name = 'Вода'): MirrorWrite<'products'> {
  const [productId, characteristicId = null] = onecId.split('#');
  return {
    kind: 'products',
    onecId,
    version: String(version),
    versionSeq: version,
    deleted: false,
    source: 'api',
    data: { ...productData(name), parentId: characteristicId === null ? null : productId, characteristicId },
  };
}

describe('MasterDataService', () => {
  let store: InMemoryMirrorStore;
  let announcer: RecordingAnnouncer;
  let service: MasterDataService;

  beforeEach(() => {
    store = new InMemoryMirrorStore();
    announcer = new RecordingAnnouncer();
    const metrics = new MasterDataMetrics(new MetricsService());
    service = new MasterDataService(
      new DirectUnitOfWork(),
      new MirrorWriter(store, announcer, metrics),
      store,
      metrics,
    );
  });

  describe('applyBatch', () => {
    it('answers every item in input order, merging items refused before the version rules', async () => {
      const refused: BatchItem<'products'> = {
        onecId: null,
        rejections: [{ code: 'INVALID_FIELD', path: 'id', reason: 'id must be a GUID' }],
      };
      const result = await service.applyBatch('products', [
        refused,
        { write: product(PRODUCT, 1n) },
        { write: product(VARIANT, 1n) },
        { write: product(PRODUCT, 2n) },
      ]);
      expect(result.results).toEqual([
        { onecId: null, outcome: 'rejected', rejections: [expect.objectContaining({ path: 'id' })] },
        { onecId: PRODUCT, outcome: 'created', rowId: expect.any(String) },
        { onecId: VARIANT, outcome: 'created', rowId: expect.any(String) },
        {
          onecId: PRODUCT,
          outcome: 'rejected',
          rejections: [expect.objectContaining({ code: 'DUPLICATE_IN_BATCH' })],
        },
      ]);
      expect(result.counts).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 2 });
      // The refused item counts on the API feed too, apart from the writer's three.
      expect(store.feeds).toEqual([
        { kind: 'products', source: 'api', received: 1, changed: 0, rejected: 1 },
        { kind: 'products', source: 'api', received: 3, changed: 2, rejected: 1 },
      ]);
    });

    it('writes nothing and calls no writer when every item was refused', async () => {
      const result = await service.applyBatch('products', [
        { onecId: PRODUCT, rejections: [{ code: 'INVALID_FIELD', path: 'name', reason: 'name must be a string' }] },
      ]);
      expect(result.counts).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: 1 });
      expect(store.rows.get('products')?.size ?? 0).toBe(0);
      expect(announcer.announced).toEqual([]);
    });
  });

  describe('markDeleted', () => {
    it('keeps the content and version, and announces the product a variant belongs to', async () => {
      await service.applyBatch('products', [{ write: product(VARIANT, 7n) }]);
      announcer.announced.length = 0;

      const { outcome, row } = await service.markDeleted('products', VARIANT);
      expect(outcome).toBe('updated');
      expect(row).toMatchObject({ onecId: VARIANT, deleted: true, version: '7', versionSeq: 7n, source: 'api' });
      expect(row.data).toEqual(product(VARIANT, 7n).data);
      expect(announcer.announced).toEqual([{ kind: 'products', onecId: PRODUCT }]);

      // The stored version with its old content is now stale; only a newer version brings the row back.
      const same = await service.applyBatch('products', [{ write: product(VARIANT, 7n) }]);
      expect(same.results[0]).toMatchObject({ outcome: 'rejected', rejections: [{ code: 'STALE_VERSION' }] });
      const newer = await service.applyBatch('products', [{ write: product(VARIANT, 8n) }]);
      expect(newer.results[0].outcome).toBe('updated');
    });

    it('changes nothing on a row already deleted, found by our id', async () => {
      const created = await service.applyBatch('products', [{ write: product(PRODUCT, 1n) }]);
      await service.markDeleted('products', PRODUCT);
      announcer.announced.length = 0;
      const before = store.rows.get('products')!.get(PRODUCT)!.updatedAt;

      const again = await service.markDeleted('products', created.results[0].rowId!);
      expect(again.outcome).toBe('unchanged');
      expect(announcer.announced).toEqual([]);
      expect(store.rows.get('products')!.get(PRODUCT)!.updatedAt).toBe(before);
    });

    it('keeps a content-hash version a hash: that of the content marked deleted', async () => {
      await service.applyBatch('products', [{ write: { ...product(PRODUCT, 1n), version: null } }]);
      const { row } = await service.markDeleted('products', PRODUCT);
      expect(row.version).toBe(row.contentHash);
    });

    it('answers an unknown record with a not-found error', async () => {
      await expect(service.markDeleted('products', PRODUCT)).rejects.toMatchObject({
        code: 'MASTER_DATA_NOT_FOUND',
        category: 'not_found',
      });
    });
  });

  describe('reads', () => {
    it('pages in change order with a cursor that continues after the last row', async () => {
      for (let n = 0; n < 5; n++) {
        await service.applyBatch('products', [{ write: product(`0a4f3b1e-0000-4000-8000-00000000010${n}`, 1n) }]);
      }
      const first = await service.list('products', { limit: 2, includeDeleted: false });
      expect(first.items.map((row) => row.onecId.slice(-1))).toEqual(['0', '1']);
      const second = await service.list('products', { limit: 2, includeDeleted: false, cursor: first.nextCursor });
      expect(second.items.map((row) => row.onecId.slice(-1))).toEqual(['2', '3']);
      const last = await service.list('products', { limit: 2, includeDeleted: false, cursor: second.nextCursor });
      expect(last).toEqual({
        items: [expect.objectContaining({ onecId: '0a4f3b1e-0000-4000-8000-000000000104' })],
        resumeCursor: expect.any(String),
      });
      // Polling from the last page's position finds nothing new until something changes.
      expect(await service.list('products', { limit: 2, includeDeleted: false, cursor: last.resumeCursor })).toEqual({
        items: [],
        resumeCursor: last.resumeCursor,
      });
    });

    it('refuses a cursor that is not one of these lists', async () => {
      const forged = Buffer.from(JSON.stringify({ v: 1, tx: '1; DROP TABLE', id: 'x' })).toString('base64url');
      await expect(service.list('products', { limit: 2, includeDeleted: false, cursor: forged })).rejects.toMatchObject(
        {
          code: 'INVALID_CURSOR',
        },
      );
    });

    it('shows a product with all its variants, across several pages of them', async () => {
      const variants = Array.from(
        { length: 450 },
        (_, n) => `${PRODUCT}#0a4f3b1e-0000-4000-9000-${n.toString().padStart(12, '0')}`,
      );
      await service.applyBatch('products', [{ write: product(PRODUCT, 1n) }]);
      for (let start = 0; start < variants.length; start += 100) {
        await service.applyBatch(
          'products',
          variants.slice(start, start + 100).map((onecId) => ({ write: product(onecId, 1n) })),
        );
      }
      await service.markDeleted('products', variants[0]);

      const shown = await service.get('products', PRODUCT);
      expect(shown.variants?.map((row) => row.onecId).sort()).toEqual([...variants].sort());
      expect(await service.get('products', variants[1])).toEqual({
        row: expect.objectContaining({ onecId: variants[1] }),
      });
    });

    it('lets admin and 1c read every kind, and a courier only what it needs in the field', () => {
      const courier: Principal = { subject: 'c', roles: ['courier'], courierId: 'c-1' };
      expect(() => service.assertReadable('stock', courier)).not.toThrow();
      expect(() => service.assertReadable('couriers', courier)).toThrow(AppError);
      let refusal: unknown;
      try {
        service.assertReadable('cash-desks', courier);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'MASTER_DATA_KIND_FORBIDDEN', category: 'forbidden' });
      expect(() => service.assertReadable('cash-desks', { subject: 'a', roles: ['admin'] })).not.toThrow();
      expect(() => service.assertReadable('couriers', { subject: '1', roles: ['courier', '1c'] })).not.toThrow();
    });

    it('shows how long each feed has been silent', async () => {
      store.lastReceivedAt = new Date('2026-01-01T00:00:00Z');
      expect(await service.feeds(new Date('2026-01-01T00:01:30.900Z'))).toEqual([
        expect.objectContaining({ kind: 'products', source: 'api', lagSeconds: 90 }),
      ]);
    });
  });
});
