import {
  Bitrix24Module,
  CrmItemGateway,
  ProductCatalogGateway,
  RemoteEntityDirectory,
  type RemoteEntitySnapshot,
} from '@app/bitrix24';
import { FakeBitrix24, RunningHttpApp, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import type { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { webhookEnv, writeMappingFile } from './bitrix24-harness';

const COMPANY = 4;

// Kinds of this suite's own, so a domain lib's handler of its products and companies never sees these changes.
const Kinds = Bitrix24Module.forFeature({
  kinds: [
    { name: 'rd_product', representation: 'catalog_product' },
    { name: 'rd_company', representation: 'company' },
  ],
});

/** Deactivation is a mapped field: the product's own `active`, a user field for companies (they have no flag). */
const MAPPING = {
  entities: {
    rd_product: { iblockId: 23, fields: { name: 'name', price: 'purchasingPrice', active: 'active' } },
    rd_company: { fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' }, multiFields: { phones: 'PHONE' } },
  },
};

interface ChangeRow {
  kind: string;
  external_id: string | null;
  bitrix_id: string;
  deleted: boolean;
  fields: Record<string, unknown>;
}

describe('Bitrix24 remote entity directory: what a domain reconcile reads and repairs', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;
  let directory: RemoteEntityDirectory;

  const settled = async (): Promise<void> => {
    await fake.settleDeliveries();
    await waitFor(
      async () => {
        const [inbox] = await db.query<{ open: string }[]>(
          `SELECT count(*) AS open FROM inbox_events WHERE source = 'bitrix24' AND status NOT IN ('processed', 'failed')`,
        );
        return Number(inbox.open) === 0;
      },
      { what: 'events processed' },
    );
  };
  const changes = (): Promise<ChangeRow[]> =>
    db.query<ChangeRow[]>(
      'SELECT kind, external_id, bitrix_id, deleted, fields FROM bitrix24_inbound_changes ORDER BY id',
    );
  const outcomes = async (): Promise<string[]> =>
    (
      await db.query<Array<{ outcome: string }>>(
        `SELECT outcome FROM inbox_events WHERE source = 'bitrix24' ORDER BY received_at`,
      )
    ).map((row) => row.outcome);
  const everything = async (kind: string): Promise<RemoteEntitySnapshot[]> => {
    const all: RemoteEntitySnapshot[] = [];
    let after: string | undefined;
    do {
      const page = await directory.list(kind, { after, limit: 200 });
      all.push(...page.items);
      after = page.next;
    } while (after !== undefined);
    return all;
  };
  const product = (xmlId: string) => fake.products().find((row) => row.xmlId === xmlId)!;

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ limits: { burst: 50, drainPerSec: 50 } });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_RATE_BURST: '50',
        BITRIX24_RATE_PER_SECOND: '50',
        BITRIX24_MAPPING_FILE: writeMappingFile(MAPPING),
      }),
      apiImports: [Kinds],
      workerImports: [Kinds],
    });
    ({ api, db } = middleware);
    worker = middleware.worker!;
    directory = worker.app.get(RemoteEntityDirectory);
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: [
        'CATALOG.PRODUCT.ON.ADD',
        'CATALOG.PRODUCT.ON.UPDATE',
        'CATALOG.PRODUCT.ON.DELETE',
        'ONCRMCOMPANYADD',
        'ONCRMCOMPANYUPDATE',
      ],
      applicationToken: hook.applicationToken,
    });
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('deactivates through upserts: the product flag and the company user field, our echoes not taken for changes', async () => {
    await worker.app.get(ProductCatalogGateway).upsertMany([
      { externalId: 'p-1', fields: { name: 'Bread', price: '45.50', active: true } },
      { externalId: 'p-2', fields: { name: 'Milk', price: 89, active: true } },
    ]);
    const gateway = worker.app.get(CrmItemGateway);
    await gateway.upsert({ kind: 'rd_company', externalId: 'c-1', fields: { name: 'LLC', active: true } });
    // An event re-read while our next write of the entity is under way would see that write before its hash is
    // recorded; the creates' events are processed first.
    await settled();
    await worker.app.get(ProductCatalogGateway).upsertMany([{ externalId: 'p-2', fields: { active: false } }]);
    await gateway.upsert({ kind: 'rd_company', externalId: 'c-1', fields: { active: false } });
    await settled();

    expect([product('p-1').active, product('p-2').active]).toEqual(['Y', 'N']);
    expect(fake.items(COMPANY)[0]).toMatchObject({ title: 'LLC', ufCrm_MM_ACTIVE: 'N' });
    expect(new Set(await outcomes())).toEqual(new Set(['ignored: our own write']));
    expect(await changes()).toEqual([]);
  });

  it('lists only what carries an external id, across portal pages, with prices and flags as the portal shows them', async () => {
    fake.seed({
      products: Array.from({ length: 120 }, (_, index) => ({
        iblockId: 23,
        name: `Item ${index}`,
        // Every third one carries an external id; the others keep the portal's default xmlId (their own id).
        ...(index % 3 === 0 ? { xmlId: `guid-${index}` } : {}),
      })),
    });

    const listed = await everything('rd_product');
    expect(listed.map((snapshot) => snapshot.externalId)).toEqual([
      'p-1',
      'p-2',
      ...Array.from({ length: 40 }, (_, index) => `guid-${index * 3}`),
    ]);
    expect(listed[0]).toEqual({
      kind: 'rd_product',
      bitrixId: String(product('p-1').id),
      externalId: 'p-1',
      fields: { name: 'Bread', price: '45.500000', active: 'Y' },
      remoteUpdatedAt: expect.any(Date),
    });
    expect(directory.drift(listed[0], { name: 'Bread', price: '45.5', active: true })).toEqual([]);
    const firstPage = await directory.list('rd_product', { limit: 10 });
    expect(firstPage.items).toHaveLength(10);
    expect(firstPage.next).toBe(firstPage.items[9].bitrixId);
  });

  it('deactivates a stray copy carrying the id of one of ours without pointing our link at it', async () => {
    const copy = fake.uiAddProduct({ name: 'Bread (copy)', xmlId: 'p-1' });
    await settled();
    await directory.updateById('rd_product', String(copy.id), { active: false });
    await worker.app.get(ProductCatalogGateway).upsertMany([{ externalId: 'p-1', fields: { name: 'Rye bread' } }]);
    await settled();

    const copies = fake.products().filter((row) => row.xmlId === 'p-1');
    expect(copies.map((row) => [row.name, row.active])).toEqual([
      ['Rye bread', 'Y'],
      ['Bread (copy)', 'N'],
    ]);
    // The copy's creation in the UI is a change; our deactivation of it and our rename of p-1 are not.
    expect((await changes()).map((row) => [row.external_id, row.bitrix_id, row.fields.active])).toEqual([
      ['p-1', String(copy.id), 'Y'],
    ]);
  });

  it('sees drift injected in the portal: a changed price, a deleted product, a stray with an unknown external id', async () => {
    const before = (await changes()).length;
    fake.uiUpdateProduct(Number(product('p-2').id), { purchasingPrice: 99.9 });
    const guid0 = String(product('guid-0').id);
    fake.uiDeleteProduct(Number(guid0));
    const stray = fake.uiAddProduct({ name: 'Stray', xmlId: 'guid-unknown' });
    await settled();

    const listed = await everything('rd_product');
    const p2 = listed.find((snapshot) => snapshot.externalId === 'p-2')!;
    expect(directory.drift(p2, { name: 'Milk', price: '89', active: false })).toEqual(['price']);
    expect(listed.map((snapshot) => snapshot.externalId)).not.toContain('guid-0');
    expect(listed.find((snapshot) => snapshot.externalId === 'guid-unknown')?.bitrixId).toBe(String(stray.id));
    // Events are not ordered; a deletion names only the Bitrix24 id, and guid-0 was never linked by us.
    const injected = (await changes()).slice(before);
    expect(injected.map((row) => [row.bitrix_id, row.external_id, row.deleted, row.fields.price])).toEqual(
      expect.arrayContaining([
        [String(product('p-2').id), 'p-2', false, '99.900000'],
        [guid0, null, true, undefined],
        [String(stray.id), 'guid-unknown', false, null],
      ]),
    );
    expect(injected).toHaveLength(3);

    await directory.updateById('rd_product', String(stray.id), { active: false });
    await settled();
    expect(product('guid-unknown').active).toBe('N');
    expect((await changes()).length).toBe(before + 3);
  });

  it('updates a company by id, multi-fields included, and refuses an id that is not one', async () => {
    const [company] = await everything('rd_company');
    await directory.updateById('rd_company', company.bitrixId, { phones: ['+7 900 000-00-01'], active: true });
    await directory.updateById('rd_company', company.bitrixId, { phones: ['+7 900 000-00-01'] });

    expect(fake.items(COMPANY)[0]).toMatchObject({
      ufCrm_MM_ACTIVE: 'Y',
      fm: [{ typeId: 'PHONE', value: '+7 900 000-00-01' }],
    });
    await expect(directory.updateById('rd_company', 'c-1', { active: false })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'BITRIX24_INVALID_REQUEST',
    });
  });
});
