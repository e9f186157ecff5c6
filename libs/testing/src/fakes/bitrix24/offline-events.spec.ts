import { FakeBitrix24 } from './fake-bitrix24';
import { call, callApp, list, type Loose } from './spec-helpers';

describe('FakeBitrix24 offline events', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start();
  });

  afterEach(() => fake.stop());

  const bindOffline = (event: string, connector?: string) =>
    callApp(fake, 'event.bind', { event, event_type: 'offline', ...(connector ? { auth_connector: connector } : {}) });
  const offlineGet = async (params: object, connector = 'mw'): Promise<Loose> =>
    (await callApp(fake, 'event.offline.get', { ...params, auth_connector: connector })).body.result;

  it('binds offline handlers per connector and reports them with event.get', async () => {
    expect((await bindOffline('ONCRMDYNAMICITEMUPDATE', 'mw')).body.result).toBe(true);
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:9/hook' });

    const bound = await callApp(fake, 'event.get');

    expect(bound.body.result).toEqual([
      { event: 'ONCRMDYNAMICITEMUPDATE', connector_id: 'mw', offline: 1 },
      { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:9/hook', auth_type: '0', offline: 0 },
    ]);
    expect((await bindOffline('ONCRMDYNAMICITEMUPDATE', 'mw')).body.error).toBe('ERROR_HANDLER_ALREADY_EXIST');
    expect((await callApp(fake, 'event.bind', { event: 'ONNOTHING', handler: 'http://x' })).body.error).toBe(
      'ERROR_EVENT_NOT_FOUND',
    );
  });

  it('unbinds online handlers by handler URL and offline ones by connector', async () => {
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:9/a' });
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:9/b' });
    await bindOffline('ONCRMDEALUPDATE', 'mw');

    const online = await callApp(fake, 'event.unbind', { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:9/a' });
    const otherConnector = await callApp(fake, 'event.unbind', {
      event: 'ONCRMDEALUPDATE',
      event_type: 'offline',
      auth_connector: 'other',
    });
    const offline = await callApp(fake, 'event.unbind', {
      event: 'ONCRMDEALUPDATE',
      event_type: 'offline',
      auth_connector: 'mw',
    });

    expect([online, otherConnector, offline].map((answer) => answer.body.result)).toEqual([
      { count: 1 },
      { count: 0 },
      { count: 1 },
    ]);
    expect(fake.handlers().bound.map((handler) => handler.handler)).toEqual(['http://127.0.0.1:9/b']);
  });

  it('keeps the latest state per entity: repeated updates merge into one message', async () => {
    await bindOffline('ONCRMDYNAMICITEMUPDATE', 'mw');
    const { body } = await call(fake, 'crm.item.add', { entityTypeId: 150, fields: { title: 'A' } });
    for (const title of ['B', 'C', 'D']) {
      await call(fake, 'crm.item.update', { entityTypeId: 150, id: body.result.item.id, fields: { title } });
    }

    const result = await offlineGet({});

    expect(result.process_id).toBeNull();
    expect(list(result.events)).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      ID: '1',
      EVENT_NAME: 'ONCRMDYNAMICITEMUPDATE',
      EVENT_DATA: { FIELDS: { ID: 1, ENTITY_TYPE_ID: 150 } },
      EVENT_ADDITIONAL: { user_id: 1 },
    });
    expect(result.events[0].MESSAGE_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(list((await offlineGet({})).events)).toHaveLength(0);
  });

  it('reserves with clear=0, hides the batch from other readers, and confirms with event.offline.clear', async () => {
    await bindOffline('ONCRMDEALADD', 'mw');
    for (let i = 0; i < 3; i++) {
      fake.uiAddItem(2, { title: `Deal ${i}` });
    }

    const first = await offlineGet({ clear: 0, limit: 2 });
    const second = await offlineGet({ clear: 0, limit: 2 });

    expect(first.process_id).toMatch(/^[a-z0-9]{32}$/);
    expect(list(first.events).map((event) => event.ID)).toEqual(['1', '2']);
    expect(list(second.events).map((event) => event.ID)).toEqual(['3']);
    expect(second.process_id).not.toBe(first.process_id);

    // clear defaults to 1 even with a process_id, so re-reading a reservation must say clear=0.
    const again = await offlineGet({ process_id: first.process_id, clear: 0 });
    expect(list(again.events).map((event) => event.ID)).toEqual(['1', '2']);

    await callApp(fake, 'event.offline.clear', {
      process_id: first.process_id,
      message_id: [first.events[0].MESSAGE_ID],
      auth_connector: 'mw',
    });
    expect(fake.offlineEvents().map((row) => row.ID)).toEqual([2, 3]);
    await callApp(fake, 'event.offline.clear', { process_id: first.process_id, auth_connector: 'mw' });
    expect(fake.offlineEvents().map((row) => row.ID)).toEqual([3]);
  });

  it('parks failed messages with event.offline.error until read with error=1', async () => {
    await bindOffline('ONCRMDEALADD', 'mw');
    fake.uiAddItem(2, { title: 'Broken' });
    const reserved = await offlineGet({ clear: 0 });

    const marked = await callApp(fake, 'event.offline.error', {
      process_id: reserved.process_id,
      message_id: [reserved.events[0].MESSAGE_ID],
      auth_connector: 'mw',
    });

    expect(marked.body.result).toBe(true);
    expect(list((await offlineGet({ clear: 0 })).events)).toHaveLength(0);
    const errors = await offlineGet({ error: 1 });
    expect(list(errors.events).map((event) => event.EVENT_NAME)).toEqual(['ONCRMDEALADD']);
  });

  it('does not queue changes this app made under the same auth_connector (loop guard)', async () => {
    await bindOffline('ONCRMDEALADD', 'mw');
    await bindOffline('ONCRMDEALADD', 'other');

    await callApp(fake, 'crm.item.add', { entityTypeId: 2, fields: { title: 'Ours' }, auth_connector: 'mw' });
    await call(fake, 'crm.item.add', { entityTypeId: 2, fields: { title: 'Via webhook' } });
    fake.uiAddItem(2, { title: 'Courier' }, { userId: 7 });

    const mine = await offlineGet({});
    expect(list(mine.events).map((event) => event.EVENT_DATA.FIELDS.ID)).toEqual([2, 3]);
    const other = await offlineGet({}, 'other');
    expect(list(other.events).map((event) => event.EVENT_DATA.FIELDS.ID)).toEqual([1, 2, 3]);
    expect(list((await offlineGet({}, '')).events)).toHaveLength(0);
  });

  it('lists the queue read-only with event.offline.list, including reservations', async () => {
    await bindOffline('ONCRMDEALADD');
    fake.uiAddItem(2, { title: 'One' });
    fake.uiAddItem(2, { title: 'Two' });
    await callApp(fake, 'event.offline.get', { clear: 0, limit: 1 });

    const listed = await callApp(fake, 'event.offline.list', { order: { ID: 'DESC' } });

    expect(listed.body.total).toBe(2);
    const [fresh, reserved] = list(listed.body.result);
    expect(fresh).toMatchObject({ ID: '2', ERROR: '0', PROCESS_ID: '' });
    expect(reserved).toMatchObject({ ID: '1', ERROR: '0', PROCESS_ID: expect.stringMatching(/^[a-z0-9]{32}$/) });
  });
});
