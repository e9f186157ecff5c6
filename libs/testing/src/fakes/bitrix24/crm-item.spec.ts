import { FakeBitrix24 } from './fake-bitrix24';
import { call, fixtureJson, list, ManualClock, shape } from './spec-helpers';

describe('FakeBitrix24 crm.item over HTTP', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: [{ entityTypeId: 133, categories: [{ id: 10 }] }] });
  });

  afterEach(() => fake.stop());

  it('adds an item with the envelope and item keys of the recorded crm.item.add', async () => {
    const answer = await call(fake, 'crm.item.add', {
      entityTypeId: 133,
      fields: { title: 'Delivery 1', xmlId: 'guid-1', ufCrm5_1700000000: 'courier note' },
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    const recorded = fixtureJson('responses-fast_bitrix24/crm_item_add.json').result.result.order0000000000;
    const recordedTime = fixtureJson('responses-fast_bitrix24/crm_contact_add_batch.json').time;
    expect(Object.keys(answer.body)).toEqual(['result', 'time']);
    expect(shape(answer.body.time)).toEqual(shape(recordedTime));
    expect(Object.keys(answer.body.time)).toEqual(Object.keys(recordedTime));
    expect(answer.body.result.item).toMatchObject({ id: 1, xmlId: 'guid-1', entityTypeId: 133 });
    for (const key of Object.keys(recorded.item)) {
      expect(typeof answer.body.result.item[key]).toBe(typeof recorded.item[key]);
    }
    expect(Object.keys(answer.body.result.item).at(-1)).toBe('entityTypeId');
    expect(answer.body.result.item.updatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);
    expect(answer.body.result.item.stageId).toBe('DT133_10:NEW');
  });

  it('lists like the recorded crm.item.list, paging by 50 with next only while rows remain', async () => {
    fake.seed({
      items: Array.from({ length: 120 }, (_, i) => ({
        entityTypeId: 133,
        title: `Item ${i + 1}`,
        ufCrm11_1712074666: '2024-04-19T03:00:00+03:00',
      })),
    });

    const first = await call(fake, 'crm.item.list', {
      entityTypeId: 133,
      select: ['id', 'title', 'ufCrm11_1712074666'],
    });
    const recorded = fixtureJson('responses-fast_bitrix24/crm_item_list.json');
    expect(Object.keys(first.body)).toEqual(['result', 'next', 'total', 'time']);
    expect(shape(first.body.result)).toEqual(shape(recorded.result));
    expect(typeof first.body.total).toBe(typeof recorded.total);
    expect(list(first.body.result.items)).toHaveLength(50);
    expect(first.body).toMatchObject({ next: 50, total: 120 });

    const last = await call(fake, 'crm.item.list', { entityTypeId: 133, start: 100 });
    expect(list(last.body.result.items)).toHaveLength(20);
    expect(last.body.total).toBe(120);
    expect('next' in last.body).toBe(false);
  });

  it('keyset mode (start=-1) skips total and next', async () => {
    fake.seed({ items: Array.from({ length: 60 }, () => ({ entityTypeId: 2 })) });

    const page = await call(fake, 'crm.item.list', {
      entityTypeId: 2,
      order: { ID: 'ASC' },
      filter: { '>id': 5 },
      start: -1,
    });

    expect(Object.keys(page.body)).toEqual(['result', 'time']);
    expect(list(page.body.result.items).map((item) => item.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 6));
  });

  it('filters with =, >, >=, <, <=, @ and ! on id, xmlId, stageId, originId and updatedTime', async () => {
    fake.seed({
      items: [
        { entityTypeId: 2, id: 1, originId: 'A', stageId: 'NEW', updatedTime: '2026-01-01T10:00:00+03:00' },
        { entityTypeId: 2, id: 2, originId: 'B', stageId: 'WON', updatedTime: '2026-01-02T10:00:00+03:00' },
        { entityTypeId: 2, id: 3, originId: 'C', stageId: 'NEW', updatedTime: '2026-01-03T10:00:00+03:00' },
      ],
    });
    const ids = async (filter: object) =>
      list((await call(fake, 'crm.item.list', { entityTypeId: 2, filter })).body.result.items).map((i) => i.id);

    expect(await ids({ '=originId': 'b' })).toEqual([2]);
    expect(await ids({ '>id': 1, '<id': 3 })).toEqual([2]);
    expect(await ids({ '>=id': 2, '<=id': 3 })).toEqual([2, 3]);
    expect(await ids({ '@originId': ['A', 'C'] })).toEqual([1, 3]);
    expect(await ids({ '!stageId': 'NEW' })).toEqual([2]);
    expect(await ids({ '>=updatedTime': '2026-01-02T00:00:00+03:00' })).toEqual([2, 3]);
    expect(await ids({ '>updatedTime': '2026-01-02T07:00:00Z' })).toEqual([3]);
  });

  it('rejects unknown filter fields with INVALID_ARG_VALUE', async () => {
    const answer = await call(fake, 'crm.item.list', { entityTypeId: 2, filter: { bogus: 1 } });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'INVALID_ARG_VALUE',
      error_description: "Invalid filter: field 'bogus' is not allowed in filter",
    });
  });

  it('answers NOT_FOUND with HTTP 400 for a missing item, and [] for a delete', async () => {
    const missing = await call(fake, 'crm.item.get', { entityTypeId: 2, id: 99 });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'NOT_FOUND', error_description: 'Element not found' });

    const { body } = await call(fake, 'crm.item.add', { entityTypeId: 3, fields: { name: 'Ivan' } });
    const deleted = await call(fake, 'crm.item.delete', { entityTypeId: 3, id: body.result.item.id });
    expect(deleted.body.result).toEqual([]);
    expect(fake.items(3)).toEqual([]);
  });

  it('updates stage bookkeeping and rejects stages outside the pipeline', async () => {
    const { body } = await call(fake, 'crm.item.add', { entityTypeId: 2, fields: { title: 'Order' } });
    const id = body.result.item.id;

    const moved = await call(fake, 'crm.item.update', { entityTypeId: 2, id, fields: { stageId: 'WON' } });
    expect(moved.body.result.item).toMatchObject({ stageId: 'WON', previousStageId: 'NEW' });

    const bad = await call(fake, 'crm.item.update', { entityTypeId: 2, id, fields: { stageId: 'C9:NOPE' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
  });

  it('lists seeded stages with crm.status.list', async () => {
    fake.seed({
      stages: [
        { entityId: 'DYNAMIC_133_STAGE_10', statusId: 'DT133_10:NEW', name: 'Created', sort: 10 },
        { entityId: 'DYNAMIC_133_STAGE_10', statusId: 'DT133_10:ON_ROUTE', name: 'On route', sort: 20 },
        { entityId: 'DYNAMIC_133_STAGE_10', statusId: 'DT133_10:SUCCESS', name: 'Delivered', sort: 30, semantics: 'S' },
      ],
    });

    const answer = await call(fake, 'crm.status.list', { filter: { ENTITY_ID: 'DYNAMIC_133_STAGE_10' } });

    expect(answer.body.total).toBe(3);
    expect(list(answer.body.result).map((row) => row.STATUS_ID)).toEqual([
      'DT133_10:NEW',
      'DT133_10:ON_ROUTE',
      'DT133_10:SUCCESS',
    ]);
    expect(answer.body.result[0]).toMatchObject({ SORT: '10', CATEGORY_ID: '10', SEMANTICS: null });
  });

  it('rejects a wrong webhook secret and unknown methods the way the portal does', async () => {
    const wrong = await fetch(fake.webhookUrl.replace(/\/[^/]+\/$/, '/nope/') + 'crm.item.list', { method: 'POST' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });

    const unknown = await call(fake, 'crm.nothing.here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('ERROR_METHOD_NOT_FOUND');
  });

  it('accepts bracket-keyed forms, query strings and the .json suffix', async () => {
    const form = await fetch(`${fake.webhookUrl}crm.item.add.json?entityTypeId=133`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'fields%5Btitle%5D=From+form&fields%5BopportUNITY%5D=12.5&fields%5BcontactIds%5D%5B0%5D=7',
    });
    const body = (await form.json()) as { result: { item: Record<string, unknown> } };

    expect(body.result.item).toMatchObject({ title: 'From form', opportunity: 12.5, contactIds: ['7'] });
  });

  it('compares dates at whole seconds, the precision its answers show', async () => {
    const clock = new ManualClock(Date.parse('2026-03-02T09:00:00.750Z'));
    const timed = await FakeBitrix24.start({ clock: clock.now, smartProcesses: [{ entityTypeId: 133 }] });
    try {
      const added = await call(timed, 'crm.item.add', { entityTypeId: 133, fields: { title: 'Sub-second' } });
      const shown = added.body.result.item.updatedTime as unknown as string;
      expect(shown).toBe('2026-03-02T12:00:00+03:00');
      const same = await call(timed, 'crm.item.list', { entityTypeId: 133, filter: { '=updatedTime': shown } });
      const later = await call(timed, 'crm.item.list', { entityTypeId: 133, filter: { '>updatedTime': shown } });
      expect(list(same.body.result.items)).toHaveLength(1);
      expect(list(later.body.result.items)).toHaveLength(0);
    } finally {
      await timed.stop();
    }
  });
});
