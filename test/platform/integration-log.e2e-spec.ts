import { IntegrationLogService } from '@app/core';
import { tokenFor } from '@app/testing';
import { ApiHarness, bearer, startApiHarness } from '../support/api-harness';

interface Page {
  items: {
    id: string;
    system: string;
    operation: string;
    outcome: string;
    requestId: string;
    entityId: string | null;
  }[];
  nextCursor?: string;
}

describe('IntegrationLog admin API and retention', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;
  const list = async (query: string, headers = admin) => {
    const response = await fetch(`${harness.url}/api/v1/admin/integration-log${query}`, { headers });
    return { status: response.status, page: (await response.json()) as Page };
  };

  beforeAll(async () => {
    harness = await startApiHarness();
    admin = bearer(tokenFor(harness.config, 'admin'));
    const log = harness.http.app.get(IntegrationLogService);
    for (let index = 0; index < 7; index += 1) {
      await log.record({
        direction: 'outbound',
        system: index % 2 === 0 ? 'bitrix24' : 'onec',
        operation: 'crm.item.add',
        outcome: index === 3 ? 'failure' : 'success',
        entityType: 'delivery',
        entityId: `d-${index}`,
        requestId: `req-${index}`,
        httpMethod: 'POST',
        url: 'https://portal.example/rest/1/s3cr3t/crm.item.add',
        httpStatus: index === 3 ? 503 : 200,
        durationMs: 12.6,
        requestBody: { fields: { title: 'x'.repeat(40_000) }, auth: 'token' },
      });
    }
  });
  afterAll(() => harness.close());

  it('lists newest first with filters and a stable cursor', async () => {
    const first = await list('?limit=3');
    expect(first.status).toBe(200);
    expect(first.page.items.map((item) => item.requestId)).toEqual(['req-6', 'req-5', 'req-4']);
    const second = await list(`?limit=3&cursor=${first.page.nextCursor}`);
    expect(second.page.items.map((item) => item.requestId)).toEqual(['req-3', 'req-2', 'req-1']);
    const last = await list(`?limit=3&cursor=${second.page.nextCursor}`);
    expect(last.page.items.map((item) => item.requestId)).toEqual(['req-0']);
    expect(last.page.nextCursor).toBeUndefined();

    expect((await list('?system=onec')).page.items.map((item) => item.requestId)).toEqual(['req-5', 'req-3', 'req-1']);
    expect((await list('?outcome=failure')).page.items.map((item) => item.entityId)).toEqual(['d-3']);
    expect((await list('?requestId=req-2&entityType=delivery&entityId=d-2')).page.items).toHaveLength(1);
    expect((await list(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).page.items).toEqual([]);
  });

  it('stores URLs and bodies without secrets, and caps bodies', async () => {
    const rows = await harness.db.query<{ url: string; request_body: string }[]>(
      `SELECT url, request_body FROM integration_log WHERE request_id = 'req-0'`,
    );
    expect(rows[0].url).toBe('https://portal.example/rest/1/[REDACTED]/crm.item.add');
    expect(rows[0].request_body).not.toContain('token');
    expect(rows[0].request_body).toMatch(/…\[truncated \d+ bytes\]$/);
    expect(Buffer.byteLength(rows[0].request_body)).toBeLessThan(17_000);
  });

  it('is for admins only', async () => {
    expect((await list('', bearer(tokenFor(harness.config, 'courier')))).status).toBe(403);
    expect((await list('', {})).status).toBe(401);
  });
  // Retention drops whole partitions: test/platform/retention-partitions.int-spec.ts.
});
