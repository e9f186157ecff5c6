import { buildDataSourceOptions, MetricsService, UnitOfWork } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { ALL_ENTITIES } from '../../migrations/schema';
import { CatalogImportService } from '../../libs/master-data/src/application/catalog-import.service';
import { MasterDataMetrics } from '../../libs/master-data/src/application/master-data.metrics';
import { MirrorWriter } from '../../libs/master-data/src/application/mirror-writer.service';
import {
  ChangeAnnouncer,
  type ChangedEntity,
} from '../../libs/master-data/src/application/ports/change-announcer.port';
import type { MirrorWrite } from '../../libs/master-data/src/domain/mirror-records';
import { TypeormImportSessions } from '../../libs/master-data/src/infrastructure/import-sessions.typeorm-store';
import { TypeormMirrorStore } from '../../libs/master-data/src/infrastructure/mirror.typeorm-store';

/** Records what the writer announces, in the transaction like the outbox adapter. */
class RecordingAnnouncer extends ChangeAnnouncer {
  readonly announced: ChangedEntity[] = [];
  announce(changes: readonly ChangedEntity[]): Promise<void> {
    this.announced.push(...changes);
    return Promise.resolve();
  }
}

const GROUP = '0a4f3b1e-0000-4000-8000-000000000001';
const PRODUCT = '0a4f3b1e-0000-4000-8000-000000000010';
const PRICE_TYPE = '0a4f3b1e-0000-4000-8000-000000000020';

function product(onecId: string, name: string, versionSeq: bigint, overrides: Partial<MirrorWrite<'products'>> = {}) {
  return {
    kind: 'products',
    onecId,
    version: String(versionSeq),
    versionSeq,
    deleted: false,
    source: 'api',
    data: {
      origin: 'goods',
      parentId: null,
      characteristicId: null,
      name,
      fullName: null,
      article: 'A-1',
      code: null,
      barcodes: ['4600000000017'],
      unitId: null,
      groupIds: [GROUP],
      vatRate: '22',
      description: null,
      characteristics: [],
      properties: [],
      weight: '1.250',
    },
    ...overrides,
  } satisfies MirrorWrite<'products'>;
}

describe('the mirror writer on PostgreSQL', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;
  let writer: MirrorWriter;
  let store: TypeormMirrorStore;
  let announcer: RecordingAnnouncer;
  let imports: CatalogImportService;

  beforeAll(async () => {
    env = await createTestEnvironment();
    dataSource = await new DataSource(buildDataSourceOptions(env.config(), ALL_ENTITIES, [])).initialize();
    unitOfWork = new UnitOfWork(dataSource);
    store = new TypeormMirrorStore(unitOfWork, dataSource);
    announcer = new RecordingAnnouncer();
    const metrics = new MasterDataMetrics(new MetricsService());
    writer = new MirrorWriter(store, announcer, metrics);
    imports = new CatalogImportService(writer, store, new TypeormImportSessions(unitOfWork), announcer, unitOfWork);
    await unitOfWork.run(() =>
      writer.apply(
        'product-groups',
        [
          {
            kind: 'product-groups',
            onecId: GROUP,
            version: '1',
            versionSeq: 1n,
            deleted: false,
            source: 'api',
            data: { name: 'Напитки', parentId: null, description: null },
          },
        ],
        'api',
      ),
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await env?.dispose();
  });

  const apply = (writes: MirrorWrite<'products'>[]) => unitOfWork.run(() => writer.apply('products', writes, 'api'));

  it('creates, leaves unchanged, updates and refuses stale versions, per item', async () => {
    announcer.announced.length = 0;
    const first = await apply([product(PRODUCT, 'Вода 0,5', 5n)]);
    expect(first).toEqual([{ onecId: PRODUCT, outcome: 'created', id: expect.any(String) }]);
    const [{ updated_at: writtenAt }] = await dataSource.query(
      `SELECT updated_at FROM md_products WHERE onec_id = $1`,
      [PRODUCT],
    );

    expect(await apply([product(PRODUCT, 'Вода 0,5', 6n)])).toEqual([{ onecId: PRODUCT, outcome: 'unchanged' }]);
    const [{ updated_at: afterNoop }] = await dataSource.query(
      `SELECT updated_at FROM md_products WHERE onec_id = $1`,
      [PRODUCT],
    );
    expect(afterNoop).toEqual(writtenAt);

    expect(await apply([product(PRODUCT, 'Вода 0,5 л', 4n)])).toEqual([
      { onecId: PRODUCT, outcome: 'rejected', rejections: [expect.objectContaining({ code: 'STALE_VERSION' })] },
    ]);
    expect(await apply([product(PRODUCT, 'Вода 0,5 л', 5n)])).toEqual([
      { onecId: PRODUCT, outcome: 'rejected', rejections: [expect.objectContaining({ code: 'STALE_VERSION' })] },
    ]);
    expect((await apply([product(PRODUCT, 'Вода 0,5 л', 7n)]))[0].outcome).toBe('updated');

    const row = await store.get('products', PRODUCT);
    expect(row).toMatchObject({
      version: '7',
      versionSeq: 7n,
      data: expect.objectContaining({ name: 'Вода 0,5 л', weight: '1.250', barcodes: ['4600000000017'] }),
    });
    // One announcement per change (create, update), none for the no-op and the stale ones.
    expect(announcer.announced).toEqual([
      { kind: 'products', onecId: PRODUCT },
      { kind: 'products', onecId: PRODUCT },
    ]);
  });

  it('rejects unknown references and duplicates but applies the rest of the batch', async () => {
    const results = await apply([
      product('0a4f3b1e-0000-4000-8000-000000000011', 'Сок', 1n),
      product('0a4f3b1e-0000-4000-8000-000000000012', 'Чай', 1n, {
        data: { ...product('x', 'Чай', 1n).data, groupIds: ['0a4f3b1e-0000-4000-8000-0000000000ff'] },
      }),
      product('0a4f3b1e-0000-4000-8000-000000000011', 'Сок', 1n),
    ]);
    expect(results.map((result) => result.outcome)).toEqual(['created', 'rejected', 'rejected']);
    expect(results[1]).toMatchObject({ rejections: [{ code: 'UNKNOWN_REFERENCE', path: 'groupIds.0' }] });
    expect(results[2]).toMatchObject({ rejections: [{ code: 'DUPLICATE_IN_BATCH' }] });
    expect(await store.existing('products', ['0a4f3b1e-0000-4000-8000-000000000012'])).toEqual(new Set());
  });

  it('keeps prices whose product has not arrived, and lists them by product', async () => {
    await unitOfWork.run(() =>
      writer.apply(
        'price-types',
        [
          {
            kind: 'price-types',
            onecId: PRICE_TYPE,
            version: null,
            versionSeq: 1n,
            deleted: false,
            source: 'api',
            data: { name: 'Розничная', currency: 'RUB', vatIncluded: true },
          },
        ],
        'api',
      ),
    );
    const later = '0a4f3b1e-0000-4000-8000-000000000099';
    const [result] = await unitOfWork.run(() =>
      writer.apply(
        'prices',
        [
          {
            kind: 'prices',
            onecId: `${later}|${PRICE_TYPE}`,
            version: null,
            versionSeq: 1n,
            deleted: false,
            source: 'api',
            data: { productId: later, priceTypeId: PRICE_TYPE, price: '12345678901.50', currency: 'RUB', unit: null },
          },
        ],
        'api',
      ),
    );
    expect(result.outcome).toBe('created');
    // Lists show a change once every older transaction of the cluster has ended (other suites run beside this one).
    let listed = await store.list('prices', { limit: 10, includeDeleted: false, productId: later });
    for (let attempt = 0; listed.length === 0 && attempt < 100; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      listed = await store.list('prices', { limit: 10, includeDeleted: false, productId: later });
    }
    expect(listed.map(({ row }) => row.data)).toEqual([
      { productId: later, priceTypeId: PRICE_TYPE, price: '12345678901.50', currency: 'RUB', unit: null },
    ]);
  });

  it('deactivates what a full snapshot did not touch, once, when the exchange finishes', async () => {
    const session = 'exchange-1';
    const seq = await unitOfWork.run(() => imports.versionSeqOf(session));
    expect(await unitOfWork.run(() => imports.versionSeqOf(session))).toBe(seq);
    await unitOfWork.run(() =>
      imports.applyBatch(session, [product(PRODUCT, 'Вода 0,5 л', seq, { source: 'commerceml', version: null })]),
    );
    await unitOfWork.run(() =>
      imports.fileCompleted(session, {
        documentKind: 'import',
        isFullSnapshot: true,
        counts: { group: 0, property: 0 },
      }),
    );
    await unitOfWork.run(() => imports.exchangeFinished(session, 'complete'));
    const rows: { onec_id: string; deactivated: boolean }[] = await dataSource.query(
      `SELECT onec_id, deactivated FROM md_products ORDER BY onec_id`,
    );
    expect(rows).toEqual([
      { onec_id: PRODUCT, deactivated: false },
      { onec_id: '0a4f3b1e-0000-4000-8000-000000000011', deactivated: true },
    ]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM md_import_touches`)).toEqual([{ n: 0 }]);
  });
});
