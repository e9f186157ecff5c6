import { AppConfig, IntegrationLogService, MetricsService, type IntegrationLogRecord } from '@app/core';
import { projectProduct } from '../domain/bitrix24-projection';
import {
  InMemoryBitrix24Copies,
  InMemoryBitrix24Sources,
  InMemoryBitrix24Users,
  productSource,
} from './bitrix24-doubles.spec-helper';
import { MasterDataMetrics } from './master-data.metrics';
import { PropagationService } from './propagation.service';
import { ProjectionSettingsReader } from './propagation.settings';

const config = { masterData: { bitrix24StockWarehouses: [], reconcileIntervalMs: 0 } } as unknown as AppConfig;

function setUp() {
  const sources = new InMemoryBitrix24Sources();
  const copies = new InMemoryBitrix24Copies();
  const users = new InMemoryBitrix24Users();
  const logged: IntegrationLogRecord[] = [];
  const integrationLog = {
    record: (entry: IntegrationLogRecord) => Promise.resolve(void logged.push(entry)),
  } as unknown as IntegrationLogService;
  const settings = new ProjectionSettingsReader(config, sources);
  const propagation = new PropagationService(
    sources,
    copies,
    users,
    settings,
    new MasterDataMetrics(new MetricsService()),
    integrationLog,
  );
  const propagate = (kind: 'products' | 'counterparties' | 'couriers', onecId: string) =>
    propagation.propagate({ kind, onecId }, new Date());
  return { sources, copies, users, logged, propagation, propagate, settings };
}

describe('propagating mirror changes to Bitrix24', () => {
  it('writes a product once, never again while its projection is unchanged, and again when it changes', async () => {
    const { sources, copies, propagate } = setUp();
    sources.productRows.set('A', productSource('A', '100.00'));

    await propagate('products', 'A');
    await propagate('products', 'A');
    expect(copies.writes).toHaveLength(1);
    expect(sources.linkOf('products', 'A').bitrixId).toBe('1');

    sources.productRows.set('A', productSource('A', '120.00'));
    await propagate('products', 'A');
    expect(copies.writes.map((write) => (write.fields as { price: string }).price)).toEqual(['100.00', '120.00']);
  });

  it('deactivates a written product 1C deleted, and never creates one that was deleted before it was written', async () => {
    const { sources, copies, propagate } = setUp();
    sources.productRows.set('A', productSource('A', '100.00'));
    await propagate('products', 'A');
    sources.productRows.set('A', productSource('A', '100.00', { active: false }));
    sources.productRows.set('B', productSource('B', '100.00', { active: false }));

    await propagate('products', 'A');
    await propagate('products', 'B');

    expect(copies.writes.map((write) => [write.bitrixId, (write.fields as { active: boolean }).active])).toEqual([
      ['1', true],
      ['1', false],
    ]);
  });

  it('links a courier to its portal user, or to the user 1C names, and never writes the user', async () => {
    const { sources, users, copies, propagate } = setUp();
    const courier = (bitrixUserId: string | null) => ({
      onecId: 'K',
      data: { name: 'Курьер', phone: null, bitrixUserId, warehouseId: null, cashDeskId: null },
    });
    sources.courierRows.set('K', courier('9'));
    await propagate('couriers', 'K');
    expect(sources.linkOf('couriers', 'K').bitrixId).toBe('9');

    users.users.set('K', '12');
    await propagate('couriers', 'K');
    expect(sources.linkOf('couriers', 'K').bitrixId).toBe('12');
    expect(copies.writes).toEqual([]);
  });
});

describe('1C as the source of truth for Bitrix24 edits', () => {
  async function written() {
    const world = setUp();
    world.sources.productRows.set('A', productSource('A', '100.00'));
    await world.propagate('products', 'A');
    world.copies.writes.length = 0;
    const projection = projectProduct(world.sources.productRows.get('A')!, await world.settings.read());
    return { ...world, projection };
  }

  it('overwrites an edit of a field 1C owns on the edited copy, logs the correction, and leaves the mirror alone', async () => {
    const { copies, sources, logged, propagation } = await written();
    const mirrorBefore = JSON.stringify([...sources.productRows]);
    copies.copies.get('1')!.fields.price = '99.900000';

    await propagation.correct({
      kind: 'product',
      externalId: 'A',
      bitrixId: '1',
      deleted: false,
      fields: { ...copies.copies.get('1')!.fields },
      source: 'webhook',
    });

    expect(copies.writes).toEqual([
      expect.objectContaining({ call: 'update', bitrixId: '1', fields: expect.objectContaining({ price: '100.00' }) }),
    ]);
    expect(copies.copies.get('1')!.fields.price).toBe('100.00');
    expect(logged).toEqual([
      expect.objectContaining({
        system: 'bitrix24',
        operation: 'master-data.correction',
        outcome: 'success',
        entityType: 'product',
        entityId: 'A',
        requestBody: {
          action: 'overwritten',
          bitrixId: '1',
          learntFrom: 'webhook',
          differences: [{ field: 'price', mirror: '100', bitrix: '99.9' }],
        },
      }),
    ]);
    expect(JSON.stringify([...sources.productRows])).toBe(mirrorBefore);
  });

  it('writes nothing for a change that leaves the fields 1C owns as the mirror has them', async () => {
    const { copies, logged, propagation, projection } = await written();

    await propagation.correct({
      kind: 'product',
      externalId: 'A',
      bitrixId: '1',
      deleted: false,
      fields: { ...projection.fields, price: '100.000000', active: 'Y' },
      source: 'reconcile',
    });

    expect(copies.writes).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('ignores entities the mirror does not know, and those made in Bitrix24 without our id', async () => {
    const { copies, logged, propagation } = await written();

    await propagation.correct({
      kind: 'product',
      externalId: 'Z',
      bitrixId: '5',
      deleted: false,
      fields: { price: 1 },
      source: 'webhook',
    });
    await propagation.correct({
      kind: 'product',
      bitrixId: '6',
      deleted: false,
      fields: { price: 1 },
      source: 'webhook',
    });

    expect(copies.writes).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('creates a copy deleted in Bitrix24 again while the mirror holds it active', async () => {
    const { copies, sources, logged, propagation } = await written();
    copies.copies.delete('1');

    await propagation.correct({
      kind: 'product',
      externalId: 'A',
      bitrixId: '1',
      deleted: true,
      fields: {},
      source: 'webhook',
    });

    expect([...copies.copies.values()].map((copy) => copy.externalId)).toEqual(['A']);
    expect(sources.linkOf('products', 'A').bitrixId).toBe('2');
    expect(logged).toEqual([
      expect.objectContaining({ requestBody: expect.objectContaining({ action: 'recreated' }) }),
    ]);
  });

  it('logs a correction that failed, and throws so the change is tried again', async () => {
    const { copies, logged, propagation } = await written();
    copies.failing.add('1');

    await expect(
      propagation.correct({
        kind: 'product',
        externalId: 'A',
        bitrixId: '1',
        deleted: false,
        fields: { price: 1 },
        source: 'webhook',
      }),
    ).rejects.toThrow('no product 1');
    expect(logged).toEqual([expect.objectContaining({ outcome: 'failure', errorMessage: 'no product 1' })]);
  });
});
