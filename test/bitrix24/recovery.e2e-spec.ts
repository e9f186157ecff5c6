import { AppConfig } from '@app/core';
import { FakeBitrix24, RunningHttpApp, tokenFor, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { startWorker } from '../../apps/worker/src/worker';
import { Bitrix24Client } from '../../libs/connectors/bitrix24/src/client/bitrix24-client';
import { OfflineQueueDrain } from '../../libs/connectors/bitrix24/src/inbound/offline-drain';
import { Reconciler } from '../../libs/connectors/bitrix24/src/inbound/reconciler';
import { EntityLinkRepository } from '../../libs/connectors/bitrix24/src/sync/entity-link.repository';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import {
  DELIVERY_CATEGORY,
  DELIVERY_TYPE,
  FAKE_SMART_PROCESSES,
  oauthEnv,
  postInstall,
  requestUpserts,
  webhookEnv,
  withWorkerOpsPort0,
} from './bitrix24-harness';

const STAGE = (code: string) => `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:${code}`;

interface ChangeRow {
  kind: string;
  external_id: string | null;
  bitrix_id: string;
  status: string | null;
  source: string;
  fields: Record<string, unknown>;
}

function probes(db: DataSource) {
  return {
    changes: () =>
      db.query<ChangeRow[]>(
        'SELECT kind, external_id, bitrix_id, status, source, fields FROM bitrix24_inbound_changes ORDER BY id',
      ),
    outboxDone: async () => {
      const [row] = await db.query<{ open: string }[]>(
        `SELECT count(*) AS open FROM outbox_events WHERE status <> 'delivered'`,
      );
      return Number(row.open) === 0;
    },
    inboxOutcomes: () =>
      db.query<{ type: string; status: string; outcome: string | null }[]>(
        `SELECT type, status, outcome FROM inbox_events WHERE source = 'bitrix24' ORDER BY received_at`,
      ),
  };
}

describe('Bitrix24 event recovery, incoming webhook + outgoing webhook: the reconcile', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let db: DataSource;
  let probe: ReturnType<typeof probes>;

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, limits: { burst: 50, drainPerSec: 20 } });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
        BITRIX24_RECONCILE_INTERVAL_MS: '600000',
      }),
      worker: false,
    });
    ({ api, db } = middleware);
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMADD', 'ONCRMDYNAMICITEMUPDATE'],
      applicationToken: hook.applicationToken,
    });
    probe = probes(db);
    await middleware.startWorker();
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('does not take our own writes back as changes', async () => {
    await requestUpserts(api.app, [
      { kind: 'delivery', externalId: 'd-1', fields: { title: 'One', amount: 10 }, status: 'new' },
      { kind: 'delivery', externalId: 'd-2', fields: { title: 'Two', amount: 20 }, status: 'new' },
    ]);
    await waitFor(probe.outboxDone, { what: 'writes and their echoes processed' });
    await fake.settleDeliveries();
    await waitFor(async () => (await probe.inboxOutcomes()).length === 2 && (await probe.outboxDone()));
    expect((await probe.inboxOutcomes()).map((row) => row.outcome)).toEqual([
      'ignored: our own write',
      'ignored: our own write',
    ]);
    expect(await probe.changes()).toEqual([]);
  });

  it('applies a change made in Bitrix24 (re-read through REST, mapped back to our fields and status)', async () => {
    const [item] = fake.items(DELIVERY_TYPE).filter((row) => row.xmlId === 'd-1');
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { stageId: STAGE('CLIENT') });
    await fake.settleDeliveries();
    await waitFor(async () => (await probe.changes()).length === 1, { what: 'the change applied' });
    expect(await probe.changes()).toEqual([
      expect.objectContaining({
        kind: 'delivery',
        external_id: 'd-1',
        status: 'at_client',
        source: 'webhook',
        fields: expect.objectContaining({ title: 'One' }),
      }),
    ]);
  });

  it('recovers a change made while the middleware was down, after restart', async () => {
    await middleware.stopWorker();
    fake.setDeliveryEnabled(false);
    const [item] = fake.items(DELIVERY_TYPE).filter((row) => row.xmlId === 'd-2');
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { stageId: STAGE('SUCCESS'), title: 'Two, delivered' });
    await fake.settleDeliveries();
    expect(fake.deliveries[fake.deliveries.length - 1].error).toMatch(/disabled/);
    fake.setDeliveryEnabled(true);

    await middleware.startWorker();
    await waitFor(async () => (await probe.changes()).some((row) => row.external_id === 'd-2'), {
      what: 'the missed change recovered',
    });
    const recovered = (await probe.changes()).filter((row) => row.external_id === 'd-2');
    expect(recovered).toEqual([
      expect.objectContaining({
        status: 'delivered',
        source: 'reconcile',
        fields: expect.objectContaining({ title: 'Two, delivered' }),
      }),
    ]);
    // The reconcile saw d-1 too, but nothing newer than what we hold: no second change.
    expect((await probe.changes()).filter((row) => row.external_id === 'd-1')).toHaveLength(1);
  });

  it('does not take our own create back before its answer is recorded, nor lose a stranger once that is overdue', async () => {
    const worker = middleware.worker!.app;
    const ofD3 = async () => (await probe.changes()).filter((row) => row.external_id === 'd-3');
    // A create of ours sent, landed in Bitrix24, its answer not recorded yet (a reconcile read or an event first).
    await worker.get(EntityLinkRepository).markCreating('delivery', ['d-3']);
    fake.uiAddItem(DELIVERY_TYPE, { title: 'Three', xmlId: 'd-3', categoryId: DELIVERY_CATEGORY });
    await fake.settleDeliveries();
    await waitFor(probe.outboxDone, { what: 'the event processed' });
    await waitFor(async () => (await probe.inboxOutcomes()).every((row) => row.status === 'processed'));
    expect((await probe.inboxOutcomes()).at(-1)?.outcome).toBe('ignored: our own write');
    await worker.get(Reconciler).run();
    expect(await ofD3()).toEqual([]);
    // The next attempt's lookup found it: paired, still ours until the write that follows records its hash.
    const [made] = fake.items(DELIVERY_TYPE).filter((row) => row.xmlId === 'd-3');
    await worker.get(EntityLinkRepository).found('delivery', new Map([['d-3', String(made.id)]]));
    await worker.get(Reconciler).run();
    expect(await ofD3()).toEqual([]);

    await db.query(
      `UPDATE bitrix24_entity_links SET updated_at = now() - interval '10 minutes' WHERE external_id = 'd-3'`,
    );
    await worker.get(Reconciler).run();
    expect(await ofD3()).toEqual([
      expect.objectContaining({ source: 'reconcile', fields: expect.objectContaining({ title: 'Three' }) }),
    ]);
  });
});

describe('Bitrix24 webhook events: two changes within one second', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let probe: ReturnType<typeof probes>;
  // The portal's clock stands still: both events carry the same `ts`, as two edits within a second do.
  const frozen = Date.now();

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, clock: () => frozen });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, { BITRIX24_APPLICATION_TOKEN: hook.applicationToken, BITRIX24_RECONCILE_INTERVAL_MS: '0' }),
      worker: false,
    });
    api = middleware.api;
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMUPDATE'],
      applicationToken: hook.applicationToken,
    });
    probe = probes(middleware.db);
    await middleware.startWorker();
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('does not lose the second change to de-duplication', async () => {
    const item = fake.uiAddItem(DELIVERY_TYPE, { title: 'First', xmlId: 'same-second' });
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { title: 'Edited once' });
    await fake.settleDeliveries();
    await waitFor(async () => (await probe.changes()).length === 1, { what: 'the first change' });
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { title: 'Edited twice' });
    await fake.settleDeliveries();
    const [first, second] = fake.deliveries.slice(-2);
    expect(second.body).toBe(first.body);
    await waitFor(async () => (await probe.changes()).some((row) => row.fields.title === 'Edited twice'), {
      what: 'the second change',
    });
  });
});

describe('Bitrix24 event recovery, OAuth local application: the offline queue', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let config: AppConfig;
  let api: RunningHttpApp;
  let db: DataSource;
  let probe: ReturnType<typeof probes>;

  const install = (overrides: Record<string, string> = {}) => postInstall(api.url, fake.oauth, overrides);

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, limits: { burst: 50, drainPerSec: 20 } });
    middleware = await startInProcessMiddleware({
      worker: false,
      env: oauthEnv(fake, {
        BITRIX24_MEMBER_ID: fake.oauth.memberId,
        BITRIX24_OFFLINE_POLL_INTERVAL_MS: '600000',
        BITRIX24_REQUEST_TIMEOUT_MS: '2000',
        EVENTS_BACKOFF_BASE_MS: '100',
        EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      }),
    });
    ({ config, api, db } = middleware);
    probe = probes(db);
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('refuses an install for another portal or OAuth server, or with a token the portal does not know', async () => {
    expect((await install({ member_id: 'f'.repeat(32) })).status).toBe(401);
    expect((await install({ server_endpoint: 'https://evil.example/rest/' })).status).toBe(401);
    expect((await install({ access_token: 'not-a-token' })).status).toBe(401);
    expect(await db.query('SELECT 1 FROM bitrix24_oauth_installations')).toEqual([]);
  });

  it('installs, binds offline events under our auth_connector, and writes without queueing our own changes', async () => {
    const response = await install();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'installed', memberId: fake.oauth.memberId });
    await middleware.startWorker();
    await waitFor(() => Promise.resolve(fake.handlers().bound.length === 9), { what: 'offline bindings' });
    expect(
      fake
        .handlers()
        .bound.filter((handler) => handler.offline)
        .map((handler) => [handler.event, handler.connectorId]),
    ).toEqual(
      expect.arrayContaining([
        ['ONCRMDYNAMICITEMUPDATE', 'mastermobile'],
        ['CATALOG.PRODUCT.ON.UPDATE', 'mastermobile'],
        ['ONCRMCOMPANYUPDATE', 'mastermobile'],
      ]),
    );
    await requestUpserts(api.app, [
      { kind: 'delivery', externalId: 'o-1', fields: { title: 'OAuth one' }, status: 'new' },
    ]);
    await waitFor(probe.outboxDone, { what: 'the write' });
    expect(fake.items(DELIVERY_TYPE).map((item) => item.xmlId)).toEqual(['o-1']);
    expect(fake.offlineEvents()).toEqual([]);

    const statusResponse = await fetch(`${api.url}/api/v1/admin/connectors`, {
      headers: { authorization: `Bearer ${tokenFor(config, 'admin')}` },
    });
    const text = await statusResponse.text();
    const status = (JSON.parse(text) as { connectors: { name: string }[] }).connectors.find(
      (connector) => connector.name === 'bitrix24',
    );
    expect(status).toMatchObject({
      state: 'ok',
      details: {
        authMode: 'oauth',
        installations: [expect.objectContaining({ memberId: fake.oauth.memberId, status: 'active' })],
      },
    });
    for (const secret of [
      fake.oauth.accessToken,
      fake.oauth.refreshToken,
      fake.oauth.applicationToken,
      fake.oauth.clientSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('refreshes an expired token once for concurrent callers and keeps the rotated refresh token', async () => {
    fake.expireAccessTokens();
    const refreshesBefore = fake.stats.oauthRefreshes;
    const client = middleware.worker!.app.get(Bitrix24Client);
    const second = await startWorker(withWorkerOpsPort0(config));
    try {
      const callers = [client, second.app.get(Bitrix24Client)].flatMap((replica) =>
        Array.from({ length: 5 }, () =>
          replica.call('crm.item.list', { entityTypeId: DELIVERY_TYPE }, { write: false }),
        ),
      );
      await Promise.all(callers);
    } finally {
      await second.close();
    }
    expect(fake.stats.oauthRefreshes - refreshesBefore).toBe(1);
    const [row] = await db.query<{ refresh_token: string; access_token: string; refresh_count: number }[]>(
      'SELECT refresh_token, access_token, refresh_count FROM bitrix24_oauth_installations',
    );
    expect(row).toEqual({
      refresh_token: fake.oauth.refreshToken,
      access_token: fake.oauth.accessToken,
      refresh_count: 1,
    });
  });

  it('recovers an event raised while the middleware was stopped from the offline queue', async () => {
    await middleware.stopWorker();
    const [item] = fake.items(DELIVERY_TYPE);
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { stageId: STAGE('SUCCESS') });
    expect(fake.offlineEvents().map((row) => row.EVENT_NAME)).toContain('ONCRMDYNAMICITEMUPDATE');

    await middleware.startWorker();
    await waitFor(async () => (await probe.changes()).length > 0, { what: 'the queued change applied' });
    expect(await probe.changes()).toEqual([
      expect.objectContaining({ kind: 'delivery', external_id: 'o-1', status: 'delivered', source: 'offline' }),
    ]);
    await waitFor(() => Promise.resolve(fake.offlineEvents().length === 0), { what: 'the offline queue cleared' });
  });

  it('takes over a page reserved by a drain whose answer was lost', async () => {
    const [item] = fake.items(DELIVERY_TYPE);
    fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { title: 'Renamed by a courier' });
    const [{ access_token: token }] = await db.query<{ access_token: string }[]>(
      'SELECT access_token FROM bitrix24_oauth_installations',
    );
    // The reservation happens on the portal, the answer never reaches us.
    const lost = await fetch(`${fake.oauth.clientEndpoint}event.offline.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: token, auth_connector: 'mastermobile', clear: 0 }),
    });
    expect(lost.status).toBe(200);
    expect(fake.offlineEvents().map((row) => row.PROCESS_ID)).toEqual([expect.stringMatching(/\w+/)]);

    // A drain already running (the start-up one) may have listed the queue before the reservation: run once more.
    const drain = middleware.worker!.app.get(OfflineQueueDrain);
    await drain.drain();
    await drain.drain();
    await waitFor(async () => (await probe.changes()).some((row) => row.fields.title === 'Renamed by a courier'), {
      what: 'the orphaned event applied',
    });
    expect(fake.offlineEvents()).toEqual([]);
  });
});
