import { FakeBitrix24 } from './fake-bitrix24';
import { call } from './spec-helpers';
import { waitFor } from '../../processes';

describe('FakeBitrix24 fault injection', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start();
  });

  afterEach(() => fake.stop());

  const addDeal = (title: string, signal?: AbortSignal) =>
    fetch(`${fake.webhookUrl}crm.item.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityTypeId: 2, fields: { title } }),
      signal,
    });

  it('applies the write and never answers on timeout-after-commit (the duplicate trap)', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'timeout-after-commit' });

    await expect(addDeal('Committed', AbortSignal.timeout(300))).rejects.toThrow();

    expect(fake.items(2).map((item) => item.title)).toEqual(['Committed']);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'crm.item.add', status: null, fault: 'timeout-after-commit' });
    expect((await addDeal('Retry')).status).toBe(200);
  });

  it('can drop the held connection after a delay instead', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'timeout-after-commit', delayMs: 50 });

    await expect(addDeal('Dropped')).rejects.toThrow();
    expect(fake.items(2)).toHaveLength(1);
  });

  it('applies the write at once and answers it late on late-answer', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'late-answer', delayMs: 2000 });

    const answer = addDeal('Early');
    await waitFor(() => Promise.resolve(fake.items(2).length === 1), { what: 'the write applied' });
    const first = await Promise.race([answer.then(() => 'answered'), Promise.resolve('not answered yet')]);
    expect(first).toBe('not answered yet');
    expect((await answer).status).toBe(200);
    expect(fake.items(2)).toHaveLength(1);
  });

  it('resets the connection before processing, so nothing is written', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'connection-reset' });

    await expect(addDeal('Never')).rejects.toThrow();
    expect(fake.items(2)).toHaveLength(0);
  });

  it('refuses a call with 429 OPERATION_TIME_LIMIT on operation-time-limit, doing nothing', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'operation-time-limit' });

    const refused = await addDeal('Blocked');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: 'OPERATION_TIME_LIMIT',
      error_description: 'Method is blocked due to operation time limit.',
    });
    expect(fake.items(2)).toHaveLength(0);
    expect((await addDeal('Next')).status).toBe(200);
  });

  it('serves 500, 503 and an HTML page in place of the answer', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'internal-error' });
    fake.scriptFault({ method: 'crm.item.add', kind: 'query-limit' });
    fake.scriptFault({ method: 'crm.item.add', kind: 'html', status: 503 });

    const internal = await addDeal('A');
    expect(internal.status).toBe(500);
    expect(await internal.json()).toEqual({
      error: 'INTERNAL_SERVER_ERROR',
      error_description: 'Internal server error',
    });
    const limited = await addDeal('B');
    expect(limited.status).toBe(503);
    expect(((await limited.json()) as { error: string }).error).toBe('QUERY_LIMIT_EXCEEDED');
    const html = await addDeal('C');
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<html>');
    expect(fake.items(2)).toHaveLength(0);
    expect(fake.stats.served503).toBe(2);
  });

  it('adds latency before processing', async () => {
    fake.setFaults([{ method: '*', kind: 'latency', delayMs: 120, probability: 1 }]);
    const started = Date.now();

    expect((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('consumes scripted faults N at a time, before random rules', async () => {
    fake.scriptFault({ method: 'crm.item.add', kind: 'internal-error', count: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await addDeal(`D${i}`)).status);
    }

    expect(statuses).toEqual([500, 500, 200]);
  });

  it('takes fault rules at start', async () => {
    const faulty = await FakeBitrix24.start({
      faults: [{ method: 'crm.item.fields', kind: 'query-limit', probability: 1 }],
    });
    try {
      expect((await call(faulty, 'crm.item.fields', { entityTypeId: 2 })).status).toBe(503);
      expect((await call(faulty, 'crm.item.list', { entityTypeId: 2 })).status).toBe(200);
    } finally {
      await faulty.stop();
    }
  });

  it('draws random faults from a seeded RNG, so runs repeat', async () => {
    const run = async (seed: number) => {
      fake.setFaults([{ method: 'crm.item.fields', kind: 'internal-error', probability: 0.5 }], seed);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await call(fake, 'crm.item.fields', { entityTypeId: 2 })).status);
      }
      return statuses;
    };

    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(8)).not.toEqual(first);
  });
});
