import { AppConfig, MetricsService } from '@app/core';
import { projectCounterparty, projectionHash, projectProduct } from '../domain/bitrix24-projection';
import { InMemoryBitrix24Copies, InMemoryBitrix24Sources, productSource } from './bitrix24-doubles.spec-helper';
import { MasterDataMetrics } from './master-data.metrics';
import {
  ReconcileRuns,
  type ReconcileKind,
  type ReconcileResult,
  type ReconcileRun,
} from './ports/bitrix24-reconcile-runs.port';
import { ProjectionSettingsReader } from './propagation.settings';
import { planEntity, planOrphan } from './reconcile-planner';
import { ReconcileService } from './reconcile.service';

class InMemoryReconcileRuns extends ReconcileRuns {
  readonly results = new Map<string, ReconcileResult>();
  private next = 0;

  startIfIdle(kind: ReconcileKind, dryRun: boolean, trigger: string): Promise<ReconcileRun> {
    return Promise.resolve({
      id: `run-${++this.next}`,
      kind,
      dryRun,
      trigger,
      status: 'running',
      counts: { ok: 0, created: 0, updated: 0, deactivated: 0, failed: 0 },
      samples: { ok: [], created: [], updated: [], deactivated: [], failed: [] },
      error: null,
      startedAt: new Date(),
      finishedAt: null,
    });
  }
  get(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  list(): Promise<ReconcileRun[]> {
    return Promise.resolve([]);
  }
  finish(id: string, result: ReconcileResult): Promise<void> {
    this.results.set(id, result);
    return Promise.resolve();
  }
}

const config = { masterData: { bitrix24StockWarehouses: [], reconcileIntervalMs: 0 } } as unknown as AppConfig;

function setUp() {
  const sources = new InMemoryBitrix24Sources();
  const copies = new InMemoryBitrix24Copies();
  const runs = new InMemoryReconcileRuns();
  const settings = new ProjectionSettingsReader(config, sources);
  const service = new ReconcileService(runs, sources, copies, settings, new MasterDataMetrics(new MetricsService()));
  const reconcile = async (kind: ReconcileKind, dryRun: boolean) => {
    const run = await runs.startIfIdle(kind, dryRun, 'test');
    await service.run(run);
    return runs.results.get(run.id)!;
  };
  return { sources, copies, runs, settings, reconcile };
}

/**
 * The mirror: A in step, B with a price the portal no longer shows, C deleted in 1C but active in the portal, D
 * never written. The portal besides: E, an orphan carrying our id; F, an orphan already inactive; a second copy of A.
 */
async function driftedCatalog() {
  const world = setUp();
  const { sources, copies } = world;
  sources.productRows.set('A', productSource('A', '100.00'));
  sources.productRows.set('B', productSource('B', '200.00'));
  sources.productRows.set('C', productSource('C', '300.00', { active: false }));
  sources.productRows.set('D', productSource('D', '400.00'));
  const settings = await world.settings.read();
  const projection = (id: string) => projectProduct(sources.productRows.get(id)!, settings);
  const a = copies.add('product', 'A', { ...projection('A').fields });
  sources.links.set('products:A', { bitrixId: a, bitrixHash: projectionHash(projection('A')) });
  copies.add('product', 'B', { ...projection('B').fields, price: '150.000000' });
  copies.add('product', 'C', { ...projection('C').fields, active: 'Y' });
  copies.add('product', 'E', { name: 'Orphan', price: '1.00', quantity: 1, active: 'Y' });
  copies.add('product', 'F', { name: 'Retired', price: '1.00', quantity: 0, active: 'N' });
  copies.add('product', 'A', { name: 'A copy an operator made', active: 'Y' });
  return { ...world, projection };
}

describe('planning one entity or orphan', () => {
  const product = projectProduct(productSource('A', '100.00'), { stockWarehouses: [], priceTypes: [] });
  const copy = { kind: 'product' as const, bitrixId: '7', externalId: 'A', fields: { ...product.fields } };

  it('creates a missing copy of an active entity, and none of an inactive one', () => {
    expect(planEntity(product, undefined).outcome).toBe('created');
    const inactive = { ...product, fields: { ...product.fields, active: false } };
    expect(planEntity(inactive, undefined).outcome).toBe('ok');
  });

  it('writes a drifted copy, and calls the write a deactivation when it makes the copy inactive', () => {
    expect(planEntity(product, copy).outcome).toBe('ok');
    expect(planEntity(product, { ...copy, fields: { ...copy.fields, name: 'X' } })).toMatchObject({
      outcome: 'updated',
      differences: [{ field: 'name', mirror: 'Product A', bitrix: 'X' }],
    });
    const inactive = { ...product, fields: { ...product.fields, active: false } };
    expect(planEntity(inactive, copy).outcome).toBe('deactivated');
  });

  it('deactivates an active orphan, leaves an inactive one, and cannot deactivate without a mapped active field', () => {
    expect(planOrphan({ ...copy, fields: { active: 'Y' } }).outcome).toBe('orphan');
    expect(planOrphan({ ...copy, fields: { active: 'N' } }).outcome).toBe('ok');
    expect(planOrphan({ ...copy, fields: { name: 'x' } }).outcome).toBe('failed');
  });
});

describe('a reconcile of the catalog against in-memory Bitrix24 copies', () => {
  it('reports exactly the drift in a dry run, and changes nothing in the portal or the links', async () => {
    const { copies, sources, reconcile } = await driftedCatalog();
    const portalBefore = JSON.stringify([...copies.copies]);
    const linksBefore = JSON.stringify([...sources.links]);

    const report = await reconcile('products', true);

    expect(report.status).toBe('succeeded');
    expect(report.counts).toEqual({ ok: 2, created: 1, updated: 1, deactivated: 2, failed: 0 });
    expect(report.samples.ok.map((sample) => sample.externalId)).toEqual(['A', 'F']);
    expect(report.samples.created).toEqual([{ externalId: 'D', bitrixKind: 'product' }]);
    expect(report.samples.updated).toEqual([
      {
        externalId: 'B',
        bitrixKind: 'product',
        bitrixId: '2',
        differences: [{ field: 'price', mirror: '200', bitrix: '150' }],
      },
    ]);
    expect(report.samples.deactivated.map((sample) => [sample.externalId, sample.differences])).toEqual([
      ['C', [{ field: 'active', mirror: 'N', bitrix: 'Y' }]],
      ['E', [{ field: 'active', mirror: 'N', bitrix: 'Y' }]],
    ]);
    expect(copies.writes).toEqual([]);
    expect(JSON.stringify([...copies.copies])).toBe(portalBefore);
    expect(JSON.stringify([...sources.links])).toBe(linksBefore);
  });

  it('repairs the drift, links what it wrote, and finds nothing left to do the next time', async () => {
    const { copies, sources, reconcile, projection } = await driftedCatalog();

    const report = await reconcile('products', false);

    expect(report.counts).toEqual({ ok: 2, created: 1, updated: 1, deactivated: 2, failed: 0 });
    for (const id of ['A', 'B', 'C', 'D']) {
      expect({ id, drift: copies.drift(projection(id)) }).toEqual({ id, drift: [] });
      expect(sources.linkOf('products', id).bitrixHash).toBe(projectionHash(projection(id)));
    }
    expect(copies.copies.get('4')?.fields.active).toBe('N');
    // The orphan is deactivated, nothing else of it is touched; the operator's copy of A is left alone.
    expect(copies.writes.filter((write) => write.bitrixId === '4')).toEqual([
      { call: 'update', kind: 'product', bitrixId: '4', fields: { active: false } },
    ]);
    expect(copies.writes.some((write) => write.bitrixId === '6')).toBe(false);

    copies.writes.length = 0;
    const again = await reconcile('products', false);
    expect(again.counts).toEqual({ ok: 6, created: 0, updated: 0, deactivated: 0, failed: 0 });
    expect(copies.writes).toEqual([]);
  });

  it('counts and samples an entity whose repair fails, and carries on with the others', async () => {
    const { copies, reconcile } = await driftedCatalog();
    copies.failing.add('2');

    const report = await reconcile('products', false);

    expect(report.status).toBe('succeeded');
    expect(report.counts).toEqual({ ok: 2, created: 1, updated: 0, deactivated: 2, failed: 1 });
    expect(report.samples.failed).toEqual([
      expect.objectContaining({ externalId: 'B', bitrixId: '2', error: 'no product 2' }),
    ]);
  });

  it('records a run that cannot list the portal as failed, with why', async () => {
    const { copies, reconcile } = await driftedCatalog();
    copies.list = () => Promise.reject(new Error('portal down'));

    const report = await reconcile('products', false);

    expect(report).toMatchObject({ status: 'failed', error: 'portal down' });
  });

  it('deactivates the company of a counterparty 1C now holds as a person, whose contact it creates', async () => {
    const { copies, sources, reconcile } = setUp();
    const person = {
      onecId: 'K',
      active: true,
      data: {
        type: 'person' as const,
        name: 'Иван Петров',
        fullName: null,
        inn: null,
        kpp: null,
        phones: ['+7 900 000-00-01'],
        emails: [],
        addresses: [],
      },
    };
    sources.counterpartyRows.set('K', person);
    copies.add('company', 'K', { name: 'Иван Петров', active: 'Y', phones: ['+79000000001'] });

    const report = await reconcile('counterparties', false);

    expect(report.counts).toMatchObject({ created: 1, deactivated: 1 });
    expect(copies.drift(projectCounterparty(person))).toEqual([]);
    expect(copies.copies.get('1')?.fields.active).toBe('N');
  });
});
