import { UnitOfWork } from '@app/core';
import {
  Bitrix24Module,
  bitrix24UpsertEvent,
  CrmItemGateway,
  ProductCatalogGateway,
  type InboundChange,
} from '@app/bitrix24';
import { EventPublisher, EventsModule } from '@app/events';
import { FakeBitrix24, RecordingInboundHandler, RunningHttpApp, waitFor } from '@app/testing';
import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RunningWorker } from '../../apps/worker/src/worker';
import { Reconciler } from '../../libs/connectors/bitrix24/src/inbound/reconciler';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { CATALOG_IBLOCK, requestUpserts, webhookEnv, writeMappingFile } from './bitrix24-harness';

const SALE_TYPE = 1040;
const DELIVERY_TYPE = 1036;
const SALE_OWNER = `T${SALE_TYPE.toString(16)}`;

/**
 * A stand-in for a domain lib that takes sales couriers make in the portal: it records every change and adopts an
 * item it has never seen as `sale-<bitrix id>`, through the outbox, in the transaction of the change.
 */
@Injectable()
class CourierSales extends RecordingInboundHandler {
  readonly kinds = ['courier_sale'];

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly publisher: EventPublisher,
  ) {
    super();
  }

  override async apply(change: InboundChange): Promise<void> {
    await super.apply(change);
    if (change.externalId === undefined && !change.deleted) {
      await this.unitOfWork.run(() =>
        this.publisher.publish([
          bitrix24UpsertEvent({
            kind: 'courier_sale',
            externalId: `sale-${change.bitrixId}`,
            adoptBitrixId: change.bitrixId,
            fields: {},
          }),
        ]),
      );
    }
  }
}

@Module({
  imports: [
    EventsModule,
    Bitrix24Module.forFeature({
      kinds: [{ name: 'courier_sale', representation: 'smart_process', productRows: true }],
    }),
  ],
  providers: [CourierSales],
})
class CourierSalesModule {}

describe('Bitrix24 sales made in the portal: their product rows on the way in, and adopting them', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;
  let waterId: string;
  let foreignId: string;

  const sales = (): InboundChange[] => worker.app.get(CourierSales).changes;
  const rowReads = (owner: string) =>
    fake.requests.filter(
      (request) =>
        request.method === 'crm.item.productrow.list' &&
        (request.params.filter as Record<string, unknown> | undefined)?.['=ownerType'] === owner,
    );
  const settled = async (): Promise<boolean> => {
    const [row] = await db.query<{ open: string }[]>(
      `SELECT (SELECT count(*) FROM outbox_events WHERE destination = 'bitrix24' AND status <> 'delivered')
            + (SELECT count(*) FROM inbox_events WHERE source = 'bitrix24' AND status NOT IN ('processed', 'failed'))
              AS open`,
    );
    return Number(row.open) === 0;
  };
  const quiet = async (): Promise<void> => {
    await fake.settleDeliveries();
    await waitFor(settled, { what: 'outbox and inbox settled' });
    await fake.settleDeliveries();
    await waitFor(settled, { what: 'echoes settled' });
  };
  const links = (bitrixId: string) =>
    db.query<Array<{ external_id: string; state: string }>>(
      `SELECT external_id, state FROM bitrix24_entity_links WHERE kind = 'courier_sale' AND bitrix_id = $1`,
      [bitrixId],
    );

  beforeAll(async () => {
    fake = await FakeBitrix24.start({
      smartProcesses: [{ entityTypeId: SALE_TYPE }, { entityTypeId: DELIVERY_TYPE }],
    });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_MAPPING_FILE: writeMappingFile({
          entities: {
            courier_sale: { entityTypeId: SALE_TYPE, fields: { title: 'title', amount: 'opportunity' } },
            delivery: { entityTypeId: DELIVERY_TYPE, fields: { title: 'title' } },
            product: { iblockId: CATALOG_IBLOCK, fields: { name: 'name' } },
          },
        }),
      }),
      apiImports: [CourierSalesModule],
      workerImports: [CourierSalesModule],
    });
    ({ api, db } = middleware);
    worker = middleware.worker!;
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMADD', 'ONCRMDYNAMICITEMUPDATE'],
      applicationToken: hook.applicationToken,
    });
    const [water] = await worker.app
      .get(ProductCatalogGateway)
      .upsertMany([{ externalId: 'p-water', fields: { name: 'Вода 0,5 л' } }]);
    if (water.status !== 'fulfilled') {
      throw new Error('the catalog product was not written');
    }
    waterId = water.value.bitrixId;
    foreignId = String(fake.uiAddProduct({ name: 'Made in the portal' }).id);
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it("hands a courier's new sale to its handler with every line, numbers as exact decimal strings", async () => {
    fake.clearRequests();
    const item = fake.uiAddItem(
      SALE_TYPE,
      { title: 'Sold on the doorstep' },
      {
        userId: 7,
        productRows: [
          {
            productId: waterId,
            productName: 'Вода 0,5 л',
            price: '49.9',
            quantity: '2',
            discountSum: '5.1',
            taxRate: '22',
            taxIncluded: 'Y',
            measureCode: 796,
          },
          { productId: foreignId, productName: 'Сыр', price: '312.5', quantity: '0.375', measureCode: 166 },
          { productName: 'Доставка', price: '300', quantity: '1', taxRate: '0', taxIncluded: 'N' },
        ],
      },
    );
    await waitFor(() => Promise.resolve(sales().length === 1), { what: 'the sale handled' });
    const [change] = sales();
    expect(change).toMatchObject({ kind: 'courier_sale', bitrixId: String(item.id), source: 'webhook' });
    expect(change.externalId).toBeUndefined();
    const rowIds = fake.productRows(SALE_TYPE, Number(item.id)).map((row) => String(row.id));
    expect(change.productRows).toEqual([
      {
        rowId: rowIds[0],
        bitrixProductId: waterId,
        productExternalId: 'p-water',
        productName: 'Вода 0,5 л',
        price: '49.9',
        quantity: '2',
        discountSum: '5.1',
        taxRate: '22',
        taxIncluded: true,
        measureCode: '796',
      },
      {
        rowId: rowIds[1],
        bitrixProductId: foreignId,
        productExternalId: null,
        productName: 'Сыр',
        price: '312.5',
        quantity: '0.375',
        discountSum: '0',
        taxRate: null,
        taxIncluded: false,
        measureCode: '166',
      },
      {
        rowId: rowIds[2],
        bitrixProductId: null,
        productExternalId: null,
        productName: 'Доставка',
        price: '300',
        quantity: '1',
        discountSum: '0',
        taxRate: '0',
        taxIncluded: false,
        measureCode: '796',
      },
    ]);
    expect(rowReads(SALE_OWNER)[0].params.filter).toEqual({ '=ownerType': SALE_OWNER, '=ownerId': String(item.id) });
  });

  it('adopts it: our id written onto the item, the link saved, our write not taken back as a change', async () => {
    const bitrixId = sales()[0].bitrixId;
    await quiet();
    const item = fake.items(SALE_TYPE).find((row) => String(row.id) === bitrixId)!;
    expect(item.xmlId).toBe(`sale-${bitrixId}`);
    expect(await links(bitrixId)).toEqual([{ external_id: `sale-${bitrixId}`, state: 'linked' }]);
    const outcomes = await db.query<Array<{ outcome: string }>>(
      `SELECT outcome FROM inbox_events WHERE source = 'bitrix24' ORDER BY outcome`,
    );
    expect(outcomes.map((row) => row.outcome)).toEqual(['applied', 'ignored: our own write']);
    expect(sales()).toHaveLength(1);
  });

  it('behaves as an item we created from then on: upserts update it, a courier edit arrives with our id', async () => {
    const bitrixId = sales()[0].bitrixId;
    const externalId = `sale-${bitrixId}`;
    await requestUpserts(api.app, [{ kind: 'courier_sale', externalId, fields: { title: 'Confirmed' } }]);
    await quiet();
    expect(fake.items(SALE_TYPE)).toHaveLength(1);
    expect(fake.items(SALE_TYPE)[0]).toMatchObject({ title: 'Confirmed', xmlId: externalId });
    expect(sales()).toHaveLength(1);

    fake.uiUpdateItem(SALE_TYPE, Number(bitrixId), { title: 'Edited by the courier' });
    await quiet();
    expect(sales()).toHaveLength(2);
    expect(sales()[1]).toMatchObject({ externalId, fields: { title: 'Edited by the courier' } });
    expect(sales()[1].productRows?.map((row) => row.productName)).toEqual(['Вода 0,5 л', 'Сыр', 'Доставка']);
    expect(fake.items(SALE_TYPE)).toHaveLength(1);
  });

  it('takes adopting again as an update, and refuses an item that is, or carries, another of ours', async () => {
    const gateway = worker.app.get(CrmItemGateway);
    const bitrixId = sales()[0].bitrixId;
    await expect(
      gateway.upsert({ kind: 'courier_sale', externalId: `sale-${bitrixId}`, adoptBitrixId: bitrixId, fields: {} }),
    ).resolves.toEqual({ kind: 'courier_sale', externalId: `sale-${bitrixId}`, bitrixId, created: false });
    await expect(
      gateway.upsert({ kind: 'courier_sale', externalId: 'sale-other', adoptBitrixId: bitrixId, fields: {} }),
    ).rejects.toMatchObject({
      kind: 'permanent',
      code: 'BITRIX24_ADOPT_CONFLICT',
      message: `Cannot adopt courier_sale ${bitrixId} as sale-other: courier_sale ${bitrixId} is already linked to external id sale-${bitrixId}`,
    });
    // Ours in Bitrix24 (our id in xmlId) though we hold no link: still not another record's to take.
    fake.setDeliveryEnabled(false);
    const carrying = fake.uiAddItem(SALE_TYPE, { title: 'Carries an id', xmlId: 'sale-elsewhere' });
    fake.setDeliveryEnabled(true);
    await expect(
      gateway.upsert({ kind: 'courier_sale', externalId: 'sale-x', adoptBitrixId: String(carrying.id), fields: {} }),
    ).rejects.toMatchObject({
      code: 'BITRIX24_ADOPT_CONFLICT',
      message: expect.stringMatching(/carries external id sale-elsewhere$/) as string,
    });
    await expect(
      gateway.upsert({ kind: 'courier_sale', externalId: 'sale-y', adoptBitrixId: '999999', fields: {} }),
    ).rejects.toMatchObject({ kind: 'permanent', code: 'BITRIX24_NOT_FOUND' });
    expect(fake.items(SALE_TYPE).filter((row) => row.xmlId === 'sale-x' || row.xmlId === 'sale-other')).toEqual([]);
  });

  it('reads every page of the rows on the reconcile path too', async () => {
    await quiet();
    fake.setDeliveryEnabled(false);
    const many = Array.from({ length: 51 }, (_, index) => ({
      productName: `Line ${index}`,
      price: '0.1',
      quantity: '3',
    }));
    const item = fake.uiAddItem(SALE_TYPE, { title: 'Missed sale' }, { productRows: many });
    fake.setDeliveryEnabled(true);
    fake.clearRequests();
    await worker.app.get(Reconciler).run();
    const change = sales().find((one) => one.bitrixId === String(item.id));
    expect(change?.source).toBe('reconcile');
    expect(change?.productRows).toHaveLength(51);
    expect(change?.productRows?.[50]).toMatchObject({ productName: 'Line 50', price: '0.1', quantity: '3' });
    const ofItem = rowReads(SALE_OWNER).filter(
      (request) => (request.params.filter as Record<string, unknown>)['=ownerId'] === String(item.id),
    );
    expect(ofItem.map((request) => request.params.start)).toEqual([0, 50]);
  });

  it('does not charge a kind registered without productRows the extra call', async () => {
    await quiet();
    fake.clearRequests();
    fake.uiAddItem(DELIVERY_TYPE, { title: 'A delivery made in the portal' });
    await quiet();
    expect(fake.requests.filter((request) => request.method === 'crm.item.get')).toHaveLength(1);
    expect(fake.requests.filter((request) => request.method === 'crm.item.productrow.list')).toEqual([]);
  });
});
