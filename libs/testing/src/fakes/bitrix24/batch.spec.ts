import { FakeBitrix24 } from './fake-bitrix24';
import { call, fixtureJson, list, shape } from './spec-helpers';

describe('FakeBitrix24 batch', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start();
    fake.seed({ items: [{ entityTypeId: 2, id: 5, title: 'Existing' }] });
  });

  afterEach(() => fake.stop());

  it('answers a successful batch with the recorded envelope and PHP empty arrays', async () => {
    const answer = await call(fake, 'batch', {
      halt: 0,
      cmd: {
        order0000000000: 'crm.item.add?entityTypeId=3&fields[name]=Anna',
        order0000000001: 'crm.item.list?entityTypeId=2&select[]=id',
      },
    });

    const recorded = fixtureJson('responses-fast_bitrix24/lists_element_add_batch.json');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.result)).toEqual(Object.keys(recorded.result));
    expect(shape(answer.body.time)).toEqual(shape(recorded.time));
    expect(shape(answer.body.result.result_time.order0000000000)).toEqual(
      shape(recorded.result.result_time.order0000000000),
    );
    expect(answer.body.result.result_error).toEqual([]);
    expect(answer.body.result.result_next).toEqual([]);
    expect(answer.body.result.result_total).toEqual({ order0000000001: 1 });
    expect(answer.body.result.result.order0000000000.item.name).toBe('Anna');
    expect(answer.body.result.result.order0000000001).toEqual({ items: [{ id: 5 }] });
  });

  it('collapses errors under numeric keys into an un-keyed list, like the recorded mixed batch', async () => {
    const answer = await call(fake, 'batch', {
      cmd: {
        0: 'crm.item.get?entityTypeId=2&id=0',
        1: 'crm.item.get?entityTypeId=2&id=1',
        35943: 'crm.item.get?entityTypeId=2&id=5',
      },
    });

    const recorded = fixtureJson('responses-fast_bitrix24/crm_get_batch_mix_success_and_errors.json').result;
    const result = answer.body.result;
    expect(Array.isArray(result.result_error)).toBe(Array.isArray(recorded.result_error));
    expect(shape(result.result_error)).toEqual(shape(recorded.result_error));
    expect(list(result.result_error)).toHaveLength(2);
    expect(Object.keys(result.result)).toEqual(Object.keys(recorded.result));
    expect(Object.keys(result.result_time)).toEqual(Object.keys(recorded.result_time));
    expect(result.result_total).toEqual([]);
  });

  it('keeps errors keyed by name for string keys', async () => {
    const answer = await call(fake, 'batch', {
      cmd: { good: 'crm.item.get?entityTypeId=2&id=5', bad: 'crm.item.get?entityTypeId=2&id=77' },
    });

    expect(answer.body.result.result_error).toEqual({
      bad: { error: 'NOT_FOUND', error_description: 'Element not found' },
    });
  });

  it('answers an all-error batch with empty result and result_time arrays', async () => {
    const answer = await call(fake, 'batch', {
      cmd: ['crm.item.get?entityTypeId=2&id=0', 'crm.item.get?entityTypeId=2&id=1'],
    });

    const recorded = fixtureJson('responses-fast_bitrix24/crm_get_batch_of_two_error.json');
    expect(shape(answer.body.result)).toEqual(shape(recorded.result));
    expect(answer.body.result.result).toEqual([]);
    expect(answer.body.result.result_time).toEqual([]);
  });

  it('answers an empty batch with five empty arrays', async () => {
    const answer = await call(fake, 'batch', { cmd: {} });

    expect(answer.body.result).toEqual({
      result: [],
      result_error: [],
      result_total: [],
      result_next: [],
      result_time: [],
    });
  });

  it('reports a list command with no rows like the recorded empty batch list', async () => {
    const answer = await call(fake, 'batch', { cmd: { order0000000000: 'crm.item.list?entityTypeId=4' } });

    const recorded = fixtureJson('responses-fast_bitrix24/batch_list_empty.json').result;
    expect(answer.body.result.result_total).toEqual(recorded.result_total);
    expect(answer.body.result.result_next).toEqual(recorded.result_next);
  });

  it('refuses more than 50 commands', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, 'crm.item.fields?entityTypeId=2']));

    const answer = await call(fake, 'batch', { cmd });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
  });

  it('substitutes $result references and stops at the first error with halt=1', async () => {
    const answer = await call(fake, 'batch', {
      halt: 1,
      cmd: {
        add: 'crm.item.add?entityTypeId=2&fields[title]=Linked',
        read: 'crm.item.get?entityTypeId=2&id=$result[add][item][id]',
        broken: 'crm.item.get?entityTypeId=2&id=404',
        never: 'crm.item.add?entityTypeId=2&fields[title]=Never',
      },
    });

    expect(answer.body.result.result.read.item.title).toBe('Linked');
    expect(Object.keys(answer.body.result.result_error)).toEqual(['broken']);
    expect(fake.items(2).map((item) => item.title)).toEqual(['Existing', 'Linked']);
  });

  it('counts as one request against the leaky bucket', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, 'crm.item.get?entityTypeId=2&id=5']));

    await call(fake, 'batch', { cmd });

    expect(fake.stats.maxBucketFill).toBe(1);
  });
});
