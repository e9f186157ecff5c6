import { Bitrix24Module } from '@app/bitrix24';
import { FakeBitrix24, RecordingInboundHandler, RunningHttpApp, tokenFor, waitFor } from '@app/testing';
import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { webhookEnv, writeMappingFile } from './bitrix24-harness';

const PARCEL_TYPE = 1100;
const PICKUP_TYPE = 1104;
const DELIVERY_TYPE = 1036;

// Two stand-ins for domain libs, each registering its own kind and the handler of its changes, as a real one would.
@Injectable()
class ParcelChanges extends RecordingInboundHandler {
  readonly kinds = ['parcel'];
}

@Module({
  imports: [Bitrix24Module.forFeature({ kinds: [{ name: 'parcel', representation: 'smart_process' }] })],
  providers: [ParcelChanges],
})
class ParcelsModule {}

@Injectable()
class PickupChanges extends RecordingInboundHandler {
  readonly kinds = ['pickup'];
}

@Module({
  imports: [Bitrix24Module.forFeature({ kinds: [{ name: 'pickup', representation: 'smart_process' }] })],
  providers: [PickupChanges],
})
class PickupsModule {}

interface UnhandledPage {
  items: Array<{ id: string; kind: string; externalId?: string; fields: Record<string, unknown>; source: string }>;
  nextCursor?: string;
}

describe('Bitrix24 inbound changes reach the domain module that owns their kind', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;
  let admin: Record<string, string>;

  const unhandled = (query = '', headers = admin): Promise<Response> =>
    fetch(`${api.url}/api/v1/admin/bitrix24/unhandled-changes${query}`, { headers });

  beforeAll(async () => {
    fake = await FakeBitrix24.start({
      smartProcesses: [PARCEL_TYPE, PICKUP_TYPE, DELIVERY_TYPE].map((entityTypeId) => ({ entityTypeId })),
    });
    const { applicationToken } = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    const domains = [ParcelsModule, PickupsModule];
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: applicationToken,
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_MAPPING_FILE: writeMappingFile({
          entities: {
            parcel: { entityTypeId: PARCEL_TYPE, fields: { title: 'title' } },
            pickup: { entityTypeId: PICKUP_TYPE, fields: { title: 'title' } },
            // Registered by the tests' kinds module, handled by nobody.
            delivery: { entityTypeId: DELIVERY_TYPE, fields: { title: 'title' } },
          },
        }),
      }),
      apiImports: domains,
      workerImports: domains,
    });
    ({ api, db } = middleware);
    worker = middleware.worker!;
    admin = { authorization: `Bearer ${tokenFor(middleware.config, 'admin')}` };
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMADD', 'ONCRMDYNAMICITEMUPDATE'],
      applicationToken,
    });

    fake.uiAddItem(PARCEL_TYPE, { title: 'Parcel 1', xmlId: 'parcel-1' });
    fake.uiAddItem(PICKUP_TYPE, { title: 'Pickup 1', xmlId: 'pickup-1' });
    fake.uiAddItem(DELIVERY_TYPE, { title: 'Delivery 1', xmlId: 'delivery-1' });
    fake.uiAddItem(DELIVERY_TYPE, { title: 'Made in Bitrix24' });
    await fake.settleDeliveries();
    await waitFor(
      async () => {
        const [row] = await db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM inbox_events WHERE source = 'bitrix24' AND status = 'processed'`,
        );
        return Number(row.n) === 4;
      },
      { what: 'the four events processed' },
    );
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('hands each change to its own kind handler only', () => {
    expect(worker.app.get(ParcelChanges).changes).toEqual([
      expect.objectContaining({
        kind: 'parcel',
        externalId: 'parcel-1',
        fields: { title: 'Parcel 1' },
        source: 'webhook',
      }),
    ]);
    expect(worker.app.get(PickupChanges).changes).toEqual([
      expect.objectContaining({ kind: 'pickup', externalId: 'pickup-1', fields: { title: 'Pickup 1' } }),
    ]);
  });

  it('records a change of a kind nobody handles as unhandled, and says so in the inbox, never acknowledging it silently', async () => {
    const outcomes = await db.query<{ outcome: string }[]>(
      `SELECT outcome FROM inbox_events WHERE source = 'bitrix24' ORDER BY outcome`,
    );
    expect(outcomes.map((row) => row.outcome)).toEqual([
      'applied',
      'applied',
      'unhandled: no inbound handler for delivery, recorded for the admin API',
      'unhandled: no inbound handler for delivery, recorded for the admin API',
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${worker.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/bitrix24_inbound_changes_total\{kind="delivery",outcome="unhandled"\} 2\b/);
    expect(metrics).toMatch(/bitrix24_inbound_changes_total\{kind="parcel",outcome="handled"\} 1\b/);
  });

  it('lists unhandled changes to admins, newest first, page by page', async () => {
    const first = await unhandled('?limit=1');
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as UnhandledPage;
    const page2 = (await (await unhandled(`?limit=1&cursor=${page1.nextCursor}`)).json()) as UnhandledPage;
    expect([page1.items.length, page2.items.length, page2.nextCursor]).toEqual([1, 1, undefined]);
    expect(Number(page1.items[0].id)).toBeGreaterThan(Number(page2.items[0].id));
    const listed = [...page1.items, ...page2.items].sort((a, b) =>
      String(a.fields.title).localeCompare(String(b.fields.title)),
    );
    expect(listed).toEqual([
      expect.objectContaining({
        kind: 'delivery',
        externalId: 'delivery-1',
        fields: { title: 'Delivery 1' },
        source: 'webhook',
      }),
      expect.objectContaining({ kind: 'delivery', fields: { title: 'Made in Bitrix24' }, source: 'webhook' }),
    ]);
    expect(listed[1]).not.toHaveProperty('externalId');
    expect(((await (await unhandled('?kind=parcel')).json()) as UnhandledPage).items).toEqual([]);
  });

  it('keeps the list to admins and refuses a bad query with a problem', async () => {
    expect((await unhandled('', {})).status).toBe(401);
    expect((await unhandled('', { authorization: `Bearer ${tokenFor(middleware.config, 'courier')}` })).status).toBe(
      403,
    );
    for (const query of ['?cursor=not-a-cursor', '?kind=Not%20a%20kind', '?limit=0']) {
      const response = await unhandled(query);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('takes every change of one entity made within the same second, however its copies meet processing', async () => {
    const parcelId = Number(fake.items(PARCEL_TYPE).find((item) => item.title === 'Parcel 1')!.id);
    const titles = () => worker.app.get(ParcelChanges).changes.map((change) => change.fields.title);
    fake.uiUpdateItem(PARCEL_TYPE, parcelId, { title: 'First edit' });
    await fake.settleDeliveries();
    await waitFor(() => Promise.resolve(titles().at(-1) === 'First edit'), { what: 'the first edit handled' });
    // The event of a later edit in the same second is the same body: events carry ids and whole-second `ts` only.
    const { body } = fake.deliveries[fake.deliveries.length - 1];
    for (const title of ['Second edit', 'Third edit']) {
      fake.setDeliveryEnabled(false);
      fake.uiUpdateItem(PARCEL_TYPE, parcelId, { title });
      fake.setDeliveryEnabled(true);
      const answer = await fetch(`${api.url}/api/v1/webhooks/bitrix24`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(await answer.json()).toEqual({ status: 'duplicate' });
      await waitFor(() => Promise.resolve(titles().at(-1) === title), { what: `${title} handled` });
    }
    expect(titles()).toEqual(['Parcel 1', 'First edit', 'Second edit', 'Third edit']);
  });

  it('shows which handler serves which kind on the admin connectors endpoint', async () => {
    const { connectors } = (await (await fetch(`${api.url}/api/v1/admin/connectors`, { headers: admin })).json()) as {
      connectors: Array<{ name: string; ports?: Array<Record<string, unknown>> }>;
    };
    const bitrix24 = connectors.find((connector) => connector.name === 'bitrix24');
    expect(bitrix24?.ports).toEqual([
      {
        port: 'Bitrix24InboundHandler',
        adapter: 'InboundHandlers',
        default: false,
        inUse: true,
        contributions: [
          { adapter: 'ParcelChanges', keys: ['parcel'] },
          { adapter: 'PickupChanges', keys: ['pickup'] },
        ],
      },
    ]);
  });
});
