import { readdirSync } from 'node:fs';
import { parse } from 'qs';
import { encodeEventBody } from './events/event-body';
import { FakeBitrix24 } from './fake-bitrix24';
import { call, callApp, fixturePath, fixtureText, startReceiver } from './spec-helpers';

type Form = Record<string, unknown>;

function form(body: string): Form {
  return parse(body);
}

/** Key order at every level, which a PHP `$_POST` dump preserves. */
function keyTree(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value;
  }
  return Object.entries(value).map(([key, inner]) => [key, keyTree(inner)]);
}

describe('outbound event bodies', () => {
  const formFixtures = readdirSync(fixturePath('events')).filter((name) => name.endsWith('.form.txt'));

  it.each(formFixtures)('re-encodes %s byte for byte', (name) => {
    const wire = fixtureText(`events/${name}`).trim();

    expect(encodeEventBody(form(wire))).toBe(wire);
  });
});

describe('FakeBitrix24 event delivery', () => {
  let fake: FakeBitrix24;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    fake = await FakeBitrix24.start({ domain: 'mastermobile.bitrix24.ru' });
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await fake.stop();
    await receiver.close();
  });

  async function delivered(): Promise<Form[]> {
    await fake.settleDeliveries();
    return receiver.bodies.map(({ body }) => form(body));
  }

  it('posts smart-process updates to app handlers with the documented structure and a usable token', async () => {
    await callApp(fake, 'event.bind', { event: 'ONCRMDYNAMICITEMUPDATE', handler: receiver.url });
    const { body } = await call(fake, 'crm.item.add', { entityTypeId: 1220, fields: { title: 'Delivery' } });
    await call(fake, 'crm.item.update', { entityTypeId: 1220, id: body.result.item.id, fields: { title: 'Moved' } });

    const [event] = await delivered();
    const documented = form(fixtureText('events/oncrmdynamicitemupdate.docs.form.txt').trim());

    expect(receiver.bodies).toHaveLength(1);
    expect(receiver.bodies[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(receiver.bodies[0].body).toContain('data%5BFIELDS%5D%5BID%5D=1&data%5BFIELDS%5D%5BENTITY_TYPE_ID%5D=1220');
    expect(Object.keys(event)).toEqual(Object.keys(documented));
    expect(keyTree(event.data)).toEqual(keyTree(documented.data));
    expect(event).toMatchObject({
      event: 'ONCRMDYNAMICITEMUPDATE',
      data: { FIELDS: { ID: '1', ENTITY_TYPE_ID: '1220' } },
    });
    const auth = event.auth as Record<string, string>;
    // The recorded app delivery's auth keys: refresh_token only travels with ONAPPINSTALL/ONOFFLINEEVENT.
    expect(Object.keys(auth)).toEqual([
      'access_token',
      'expires',
      'expires_in',
      'scope',
      'domain',
      'server_endpoint',
      'status',
      'client_endpoint',
      'member_id',
      'user_id',
      'application_token',
    ]);
    expect(auth).toMatchObject({
      domain: 'mastermobile.bitrix24.ru',
      application_token: fake.oauth.applicationToken,
      member_id: fake.oauth.memberId,
    });
    expect((await callApp(fake, 'crm.item.get', { entityTypeId: 1220, id: 1 }, auth.access_token)).status).toBe(200);
  });

  it('posts to UI-configured outgoing webhooks with exactly the documented keys in order', async () => {
    const { applicationToken } = fake.addOutgoingWebhook({ url: receiver.url, events: ['ONCRMDEALADD'] });

    fake.uiAddItem(2, { title: 'From the courier app' }, { userId: 7 });
    const [event] = await delivered();

    const documented = form(fixtureText('events/oncrmdealadd.outgoing-webhook.docs.form.txt').trim());
    expect(keyTree(event)).toEqual(keyTree(documented));
    expect((event.auth as Form).application_token).toBe(applicationToken);
  });

  it('sends task events with FIELDS_BEFORE / FIELDS_AFTER as documented', async () => {
    await callApp(fake, 'event.bind', { event: 'ONTASKADD', handler: receiver.url });
    await callApp(fake, 'event.bind', { event: 'ONTASKUPDATE', handler: receiver.url });

    const added = await call(fake, 'tasks.task.add', { fields: { TITLE: 'Deliver order 42', RESPONSIBLE_ID: 7 } });
    fake.uiUpdateTask(Number(added.body.result.task.id), { STATUS: 5 }, { userId: 7 });
    const [onAdd, onUpdate] = await delivered();

    expect(onAdd.data).toEqual({
      ...(form(fixtureText('events/ontaskadd.docs.form.txt').trim()).data as Form),
      FIELDS_AFTER: { ID: '1' },
    });
    expect(keyTree(onUpdate.data)).toEqual(keyTree(form(fixtureText('events/ontaskupdate.docs.form.txt').trim()).data));
  });

  it('omits OAuth tokens when a robot made the change', async () => {
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALUPDATE', handler: receiver.url });
    const item = fake.uiAddItem(2, { title: 'Robot' });

    fake.uiUpdateItem(2, Number(item.id), { stageId: 'EXECUTING' }, { userId: 0 });
    const [event] = await delivered();

    expect(Object.keys(event.auth as Form)).toEqual(['domain', 'member_id', 'application_token']);
  });

  it('never retries: a failed delivery is recorded once', async () => {
    const failing = await startReceiver(500);
    fake.addOutgoingWebhook({ url: failing.url, events: ['ONCRMDEALADD'] });

    fake.uiAddItem(2, { title: 'Lost' });
    await fake.settleDeliveries();
    await failing.close();

    expect(failing.bodies).toHaveLength(1);
    expect(fake.deliveries).toMatchObject([{ event: 'ONCRMDEALADD', status: 500, error: 'HTTP 500' }]);
    expect(fake.stats.eventDeliveryFailures).toBe(1);
  });

  it('keeps filling the offline queue while deliveries are switched off', async () => {
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALADD', handler: receiver.url });
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALADD', event_type: 'offline' });
    fake.setDeliveryEnabled(false);

    fake.uiAddItem(2, { title: 'While down' });
    await fake.settleDeliveries();

    expect(receiver.bodies).toHaveLength(0);
    expect(fake.deliveries[0].error).toMatch(/disabled/);
    expect(fake.offlineEvents()).toHaveLength(1);
  });

  it('signals ONOFFLINEEVENT to its online handler when the queue fills, with the refresh token', async () => {
    await callApp(fake, 'event.bind', { event: 'ONOFFLINEEVENT', handler: receiver.url, options: { minTimeout: 30 } });
    await callApp(fake, 'event.bind', { event: 'ONCRMDEALADD', event_type: 'offline' });

    fake.uiAddItem(2, { title: 'One' });
    fake.uiAddItem(2, { title: 'Two' });
    const signals = await delivered();

    const documented = form(fixtureText('events/onofflineevent.docs.form.txt').trim());
    expect(signals).toHaveLength(1);
    expect(signals[0].event).toBe('ONOFFLINEEVENT');
    expect(signals[0].data).toBeUndefined();
    expect(Object.keys(signals[0].auth as Form)).toEqual(expect.arrayContaining(Object.keys(documented.auth as Form)));
  });
});
