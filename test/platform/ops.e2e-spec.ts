import { ApiHarness, startApiHarness } from '../support/api-harness';

describe('Ops endpoints', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness();
  });
  afterAll(() => harness.close());

  it('/health/live answers without touching dependencies', async () => {
    const response = await fetch(`${harness.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/health/ready reports database, migrations and Redis', async () => {
    const response = await fetch(`${harness.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, migrations: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('/health/ready turns 503 when a migration is pending', async () => {
    const [last] = await harness.db.query<{ id: number; timestamp: string; name: string }[]>(
      'SELECT * FROM schema_migrations ORDER BY id DESC LIMIT 1',
    );
    await harness.db.query('DELETE FROM schema_migrations WHERE id = $1', [last.id]);
    try {
      // The migrations check is cached for 2 s to keep probes cheap.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const response = await fetch(`${harness.url}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'error', error: { migrations: { status: 'down' } } });
    } finally {
      await harness.db.query('INSERT INTO schema_migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
        last.id,
        last.timestamp,
        last.name,
      ]);
    }
  });

  it('/metrics exposes the HTTP histogram by route template and process metrics', async () => {
    await fetch(`${harness.url}/test/public?echo=1`);
    const response = await fetch(`${harness.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/test\/public",status="200"\} \d+/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('/docs serves Swagger UI and /docs-json the document', async () => {
    const ui = await fetch(`${harness.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const json = (await (await fetch(`${harness.url}/docs-json`)).json()) as { openapi: string; components: object };
    expect(json.openapi).toMatch(/^3\./);
    expect(json.components).toHaveProperty('securitySchemes.bearer');
  });
});

describe('Readiness with Redis down', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, connections are refused at once.
    harness = await startApiHarness({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => harness.close());

  it('keeps the API ready but degraded, because accepted writes wait in PostgreSQL', async () => {
    const response = await fetch(`${harness.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      details: { database: { status: 'up' }, redis: { status: 'degraded' } },
    });
  });
});
