import { IntegrationLogEntity } from '@app/core';
import { tokenFor } from '@app/testing';
import { ApiHarness, bearer, startApiHarness } from '../support/api-harness';

describe('X-Request-Id', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;
  beforeAll(async () => {
    harness = await startApiHarness();
    admin = bearer(tokenFor(harness.config, 'admin'));
  });
  afterAll(() => harness.close());

  it('echoes a safe incoming id', async () => {
    const response = await fetch(`${harness.url}/health/live`, { headers: { 'x-request-id': 'order-42.retry:1_A-b' } });
    expect(response.headers.get('x-request-id')).toBe('order-42.retry:1_A-b');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'evil id'],
    ['with a log-injection attempt', 'x"\\n{"level":60}'],
    ['with a slash', 'a/b'],
  ])('replaces an unsafe id (%s) with a generated UUID', async (_name, unsafe) => {
    const response = await fetch(`${harness.url}/health/live`, { headers: { 'x-request-id': unsafe } });
    expect(response.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('generates one when absent, and puts it in problem bodies', async () => {
    const response = await fetch(`${harness.url}/test/admin-only`);
    const generated = response.headers.get('x-request-id');
    expect(generated).toBeTruthy();
    expect(((await response.json()) as { requestId: string }).requestId).toBe(generated);
  });

  it('is echoed on 404s of unknown routes too', async () => {
    const response = await fetch(`${harness.url}/nowhere`, { headers: { 'x-request-id': 'lost-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('lost-1');
    expect(await response.json()).toMatchObject({ requestId: 'lost-1', status: 404 });
  });

  it('reaches code deep in the call chain through the async context, and the IntegrationLog row', async () => {
    const response = await fetch(`${harness.url}/test/context`, {
      headers: { ...admin, 'x-request-id': 'ctx-check-1' },
    });
    expect(await response.json()).toEqual({ requestId: 'ctx-check-1' });
    const rows = await harness.db.getRepository(IntegrationLogEntity).findBy({ requestId: 'ctx-check-1' });
    expect(rows).toHaveLength(1);
    expect(rows[0].requestBody).not.toContain('hunter2');
    expect(rows[0].requestBody).not.toContain('"abc"');
    expect(rows[0].requestBody).toContain('"visible":"yes"');
    expect(rows[0].url).not.toContain('webhooksecret');
    expect(rows[0].url).not.toContain('auth=abc');
  });

  it('keeps concurrent requests apart', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => `parallel-${index}`);
    const seen = await Promise.all(
      ids.map(async (id) => {
        const response = await fetch(`${harness.url}/test/context`, { headers: { ...admin, 'x-request-id': id } });
        return ((await response.json()) as { requestId: string }).requestId;
      }),
    );
    expect(seen).toEqual(ids);
  });
});
