import { randomUUID } from 'node:crypto';
import { MAINTENANCE_QUEUE } from '@app/core';
import { AppProcess, createTestEnvironment, TestEnvironment, waitFor } from '@app/testing';
import { Queue } from 'bullmq';
import { Client } from 'pg';

describe('worker process', () => {
  let env: TestEnvironment;
  let worker: AppProcess;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await db.end();
    await env.dispose();
  });

  it('boots without an HTTP API, processes a job, and exits on SIGTERM within the timeout', async () => {
    worker = AppProcess.start('worker', { ...env.env, WORKER_OPS_PORT: '0', SHUTDOWN_TIMEOUT_MS: '5000' });
    const [, port] = await worker.waitForOutput(/ops endpoints on port (\d+)/);

    const ready = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      return response.status === 200 && ((await response.json()) as { status: string });
    });
    expect(ready.status).toBe('ok');

    const key = randomUUID();
    await db.query(
      `INSERT INTO idempotency_keys (principal, method, route, key, fingerprint, response_status, response_headers,
         response_body, expires_at) VALUES ('p', 'POST', '/x', $1, repeat('0', 64), 201, '{}', '{}', now() - interval '1 hour')`,
      [key],
    );
    const queue = new Queue(MAINTENANCE_QUEUE, { connection: { url: env.redisUrl }, prefix: env.redisKeyPrefix });
    try {
      const job = await queue.add('purge-idempotency-keys', {});
      await waitFor(() => job.isCompleted());
    } finally {
      await queue.close();
    }
    expect((await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount).toBe(0);
    // The job's scheduler may also have fired on its own since the worker started; runs never overlap, so the
    // worker purged the row exactly once in all.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('maintenance_purged_rows_total{table="idempotency_keys"} 1\n');

    const started = Date.now();
    worker.signal('SIGTERM');
    const exit = await worker.waitForExit();
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(worker.logs).toContain('SIGTERM received');
  });

  it('reports itself unready when Redis is unreachable', async () => {
    const noRedis = AppProcess.start('worker', { ...env.env, WORKER_OPS_PORT: '0', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const [, port] = await noRedis.waitForOutput(/ops endpoints on port (\d+)/);
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { redis: { status: 'down' } } });
    } finally {
      await noRedis.stop();
    }
  });
});
