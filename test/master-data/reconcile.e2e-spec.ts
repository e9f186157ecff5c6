import { randomUUID } from 'node:crypto';
import { waitFor } from '@app/testing';
import {
  catalog,
  exchange,
  importXml,
  MAIN,
  offersXml,
  propagated,
  RETAIL,
  writeMirror,
  writesIn,
} from './bitrix24-fixtures';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

const guid = (n: number) => `9e6a1000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const PRICED = guid(1);
const REMOVED = guid(2);
const EDITED = guid(3);
const STEADY = guid(4);
const EXTRA = guid(99);
const COMPANY = guid(11);

interface Run {
  id: string;
  kind: string;
  dryRun: boolean;
  trigger: string;
  status: string;
  counts: Record<string, number>;
  samples: Record<string, { externalId: string; bitrixKind: string; bitrixId?: string; differences?: unknown[] }[]>;
  error: string | null;
  finishedAt: string | null;
}

describe('reconciling the mirror with Bitrix24', () => {
  let harness: MasterDataHarness;
  const portal = () =>
    harness.fake
      .products()
      .map(({ timestampX: _changed, ...product }) => product)
      .sort((a, b) => Number(a.id) - Number(b.id));
  const links = () =>
    harness.query(`SELECT onec_id, bitrix_id, bitrix_hash, updated_at FROM md_products ORDER BY onec_id`);

  const start = (kind: string, body: unknown, role: 'admin' | 'courier' = 'admin') =>
    harness.call('POST', `/api/v1/admin/reconcile/${kind}`, { role, body, idempotencyKey: randomUUID() });
  const finished = (id: string) =>
    waitFor(
      async () => {
        const { body } = await harness.call('GET', `/api/v1/admin/reconcile/runs/${id}`);
        return (body as Run).status !== 'running' && (body as Run);
      },
      { what: `reconcile run ${id} to finish` },
    );
  const reconcile = async (kind: string, dryRun: boolean) => {
    const started = await start(kind, { dryRun });
    expect(started.status).toBe(202);
    return finished((started.body as Run).id);
  };

  beforeAll(async () => {
    harness = await startMasterDataHarness({
      env: { MASTER_DATA_RECONCILE_INTERVAL_MINUTES: '0', BITRIX24_RECONCILE_INTERVAL_MS: '0' },
    });
    const goods = [PRICED, REMOVED, EDITED, STEADY].map((id, index) => ({
      id,
      name: `Товар ${index + 1}`,
      article: `A-${index + 1}`,
    }));
    await exchange(harness, [
      importXml(goods, { full: true }),
      offersXml(
        goods.map(({ id }) => ({ id, prices: { [RETAIL]: '100.00' }, stock: { [MAIN]: '2' } })),
        { full: true },
      ),
    ]);
    await writeMirror(harness, 'counterparties', [
      {
        id: COMPANY,
        version: 1,
        data: {
          type: 'organization',
          name: 'ООО «Ромашка»',
          fullName: null,
          inn: '7701234567',
          kpp: null,
          phones: ['+7 495 000-00-01'],
          emails: [],
          addresses: [],
        },
      },
    ]);
    await propagated(harness);

    // The drift, made as users would make it in the portal.
    const copies = catalog(harness.fake);
    harness.fake.uiUpdateProduct(Number(copies.get(PRICED)!.id), { purchasingPrice: 1 });
    harness.fake.uiDeleteProduct(Number(copies.get(REMOVED)!.id));
    harness.fake.uiAddProduct({ name: 'Лишний', xmlId: EXTRA, active: 'Y', purchasingPrice: 7 });
    harness.fake.uiUpdateProduct(Number(copies.get(EDITED)!.id), { name: 'Правка в Битрикс24' });
  });
  afterAll(async () => harness?.close());

  it('reports exactly the drift in a dry run, and changes nothing in Bitrix24 or in the mirror', async () => {
    const portalBefore = portal();
    const linksBefore = await links();
    harness.fake.clearRequests();

    const run = await reconcile('products', true);

    expect(run).toMatchObject({ kind: 'products', dryRun: true, status: 'succeeded', error: null });
    expect(run.counts).toEqual({ ok: 1, created: 1, updated: 2, deactivated: 1, failed: 0 });
    expect(run.samples.created).toEqual([{ externalId: REMOVED, bitrixKind: 'product' }]);
    expect(run.samples.updated.map((sample) => [sample.externalId, sample.differences])).toEqual([
      [PRICED, [{ field: 'price', mirror: '100', bitrix: '1' }]],
      [EDITED, [{ field: 'name', mirror: 'Товар 3', bitrix: 'Правка в Битрикс24' }]],
    ]);
    expect(run.samples.deactivated).toEqual([
      expect.objectContaining({ externalId: EXTRA, differences: [{ field: 'active', mirror: 'N', bitrix: 'Y' }] }),
    ]);
    expect(run.samples.ok.map((sample) => sample.externalId)).toEqual([STEADY]);
    expect(writesIn(harness.fake.requests)).toEqual([]);
    expect(portal()).toEqual(portalBefore);
    expect(await links()).toEqual(linksBefore);
  });

  it('repairs the drift: the price and the edit restored, the deleted product back, the extra one deactivated', async () => {
    const run = await reconcile('products', false);

    expect(run.counts).toEqual({ ok: 1, created: 1, updated: 2, deactivated: 1, failed: 0 });
    const copies = catalog(harness.fake);
    expect([...copies.keys()].sort()).toEqual([PRICED, REMOVED, EDITED, STEADY, EXTRA].sort());
    expect(copies.get(PRICED)).toMatchObject({ purchasingPrice: '100.000000', active: 'Y' });
    expect(copies.get(REMOVED)).toMatchObject({ name: 'Товар 2', purchasingPrice: '100.000000', quantity: 2 });
    expect(copies.get(EDITED)).toMatchObject({ name: 'Товар 3' });
    // Deactivated, never deleted; nothing else of it touched.
    expect(copies.get(EXTRA)).toMatchObject({ name: 'Лишний', active: 'N', purchasingPrice: '7.000000' });

    const again = await reconcile('products', true);
    expect(again.counts).toEqual({ ok: 5, created: 0, updated: 0, deactivated: 0, failed: 0 });
  });

  it('repairs an edited 1C-owned field of a counterparty, and takes a reformatted phone for the same phone', async () => {
    const [company] = harness.fake.items(4).filter((item) => item.originId === COMPANY);
    const [phone] = company.fm as { id: number; typeId: string; valueType: string }[];
    harness.fake.uiUpdateItem(4, Number(company.id), {
      ufCrm_Inn: '0000000000',
      fm: { [phone.id]: { typeId: 'PHONE', valueType: phone.valueType, value: '+74950000001' } },
    });

    const run = await reconcile('counterparties', false);

    expect(run.counts).toEqual({ ok: 0, created: 0, updated: 1, deactivated: 0, failed: 0 });
    expect(run.samples.updated[0].differences).toEqual([{ field: 'inn', mirror: '7701234567', bitrix: '0000000000' }]);
    // Repaired; the phone, the same digits written otherwise, is left as the portal holds it.
    expect(harness.fake.items(4).find((item) => item.originId === COMPANY)).toMatchObject({
      ufCrm_Inn: '7701234567',
      fm: [expect.objectContaining({ typeId: 'PHONE', value: '+74950000001' })],
    });
    expect((await reconcile('counterparties', true)).counts).toMatchObject({ ok: 1, updated: 0 });
  });

  it('answers 409 to a second run of a kind while one runs, and carries out the first once a worker takes it', async () => {
    await harness.middleware.stopWorker();
    const first = await start('products', {});
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      kind: 'products',
      dryRun: false,
      status: 'running',
      trigger: expect.any(String),
    });

    const second = await start('products', { dryRun: true });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'RECONCILE_RUNNING' });
    expect((await start('counterparties', { dryRun: true })).status).toBe(202);

    await harness.middleware.startWorker();
    expect(await finished((first.body as Run).id)).toMatchObject({ status: 'succeeded' });
  });

  it('lists the runs newest first, page by page, and finds each by id', async () => {
    const page1 = await harness.call('GET', '/api/v1/admin/reconcile/runs?limit=2');
    expect(page1.status).toBe(200);
    const { items, nextCursor } = page1.body as { items: Run[]; nextCursor: string };
    expect(items).toHaveLength(2);
    const page2 = await harness.call('GET', `/api/v1/admin/reconcile/runs?limit=50&cursor=${nextCursor}`);
    const rest = (page2.body as { items: Run[]; nextCursor?: string }).items;
    expect(rest.length).toBeGreaterThan(0);
    const all = [...items, ...rest];
    expect(new Set(all.map((run) => run.id)).size).toBe(all.length);
    expect(all.map((run) => run.kind).slice(0, 2)).toEqual(['counterparties', 'products']);

    const one = await harness.call('GET', `/api/v1/admin/reconcile/runs/${items[1].id}`);
    expect(one.body).toEqual(items[1]);
    expect((await harness.call('GET', `/api/v1/admin/reconcile/runs/${randomUUID()}`)).status).toBe(404);
  });

  it('refuses kinds without Bitrix24 copies, couriers, and a start without an Idempotency-Key', async () => {
    expect((await start('prices', {})).status).toBe(404);
    expect((await start('products', {}, 'courier')).status).toBe(403);
    expect((await start('products', { dryRun: 'yes' })).status).toBe(400);
    const unkeyed = await harness.call('POST', '/api/v1/admin/reconcile/products', { body: {} });
    expect(unkeyed.status).toBe(400);
  });
});
