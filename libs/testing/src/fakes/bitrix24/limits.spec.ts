import { FakeBitrix24 } from './fake-bitrix24';
import { call, ManualClock } from './spec-helpers';

describe('FakeBitrix24 limits', () => {
  let fake: FakeBitrix24;
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock();
  });

  afterEach(() => fake.stop());

  it('serves 503 QUERY_LIMIT_EXCEEDED past the burst and recovers as the bucket drains', async () => {
    fake = await FakeBitrix24.start({ clock: clock.now, limits: { burst: 10, drainPerSec: 2 } });

    const burst = await Promise.all(Array.from({ length: 15 }, () => call(fake, 'crm.item.list', { entityTypeId: 2 })));

    expect(burst.filter((answer) => answer.status === 200)).toHaveLength(10);
    const refused = burst.filter((answer) => answer.status === 503);
    expect(refused).toHaveLength(5);
    expect(refused[0].body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    expect(fake.stats).toMatchObject({ requests: 15, served503: 5, maxBucketFill: 10 });

    clock.advance(1000);
    const afterDrain = await Promise.all(
      Array.from({ length: 3 }, () => call(fake, 'crm.item.list', { entityTypeId: 2 })),
    );
    expect(afterDrain.map((answer) => answer.status)).toEqual([200, 200, 503]);
  });

  it('rolls the operating window after operatingWindowSec when one is set', async () => {
    fake = await FakeBitrix24.start({
      clock: clock.now,
      limits: { operatingLimitSec: 1, operatingWindowSec: 60, processingSec: 1 },
    });

    const first = await call(fake, 'crm.item.list', { entityTypeId: 2 });
    expect(Number(first.body.time.operating_reset_at)).toBeLessThanOrEqual(clock.nowMs / 1000 + 60);
    expect((await call(fake, 'crm.item.list', { entityTypeId: 2 })).status).toBe(429);
    clock.advance(60 * 1000);
    expect((await call(fake, 'crm.item.list', { entityTypeId: 2 })).status).toBe(200);
  });

  it('blocks a method with 429 once its operating budget is spent, per method, until the window rolls', async () => {
    fake = await FakeBitrix24.start({
      clock: clock.now,
      limits: { operatingLimitSec: 3, processingSec: { 'crm.item.list': 1, '*': 0.01 } },
    });

    const operating: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await call(fake, 'crm.item.list', { entityTypeId: 2 });
      operating.push(Number(answer.body.time.operating));
    }
    expect(operating).toEqual([1, 2, 3]);

    const blocked = await call(fake, 'crm.item.list', { entityTypeId: 2 });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: 'OPERATION_TIME_LIMIT',
      error_description: 'Method is blocked due to operation time limit.',
    });
    expect((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(200);
    expect(fake.stats.served429).toBe(1);

    const resetAt = Number((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).body.time.operating_reset_at);
    expect(resetAt).toBeGreaterThan(clock.nowMs / 1000);
    clock.advance(10 * 60 * 1000);
    expect((await call(fake, 'crm.item.list', { entityTypeId: 2 })).status).toBe(200);
  });

  it('reports a blocked command inside a batch as OPERATION_TIME_LIMIT in result_error', async () => {
    fake = await FakeBitrix24.start({ clock: clock.now, limits: { operatingLimitSec: 1, processingSec: 1 } });
    await call(fake, 'crm.item.fields', { entityTypeId: 2 });

    const answer = await call(fake, 'batch', { cmd: { fields: 'crm.item.fields?entityTypeId=2' } });

    expect(answer.status).toBe(200);
    expect(answer.body.result.result_error).toEqual({
      fields: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' },
    });
  });
});
