import { IDEMPOTENCY_ANSWERS } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { Pool } from 'pg';

/**
 * The answer of a key is written on every idempotent request, into a table that holds a day of keys: it must reach
 * its row by the primary key, never by scanning the table (a JSON record set made the planner do just that).
 */
describe('Idempotency answers', () => {
  let env: TestEnvironment;
  let pool: Pool;

  beforeAll(async () => {
    env = await createTestEnvironment();
    pool = new Pool({ connectionString: env.databaseUrl, max: 1 });
    await pool.query(
      `INSERT INTO idempotency_keys (principal, method, route, key, fingerprint, response_status, response_headers,
                                     response_body, expires_at)
       SELECT 'courier:c' || (n % 50), 'POST', '/deliveries/:id/status', 'key-' || n, repeat('0', 64), 200, '{}',
              '{}', now() + interval '1 day'
         FROM generate_series(1, 20000) AS n`,
    );
    await pool.query('ANALYZE idempotency_keys');
  });
  afterAll(async () => {
    await pool?.end();
    await env?.dispose();
  });

  const answer = (key: string) => ({
    principal: 'courier:c7',
    method: 'POST',
    route: '/deliveries/:id/status',
    key,
    response: { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', replayed: false },
  });

  it('finds each key by its primary key, for one answer and for several', async () => {
    for (const answers of [[answer('key-7')], [answer('key-7'), answer('key-57')]]) {
      const { sql, params } = IDEMPOTENCY_ANSWERS.statement(answers);
      const plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      expect(plan).not.toMatch(/Seq Scan|Hash Join/);
      expect(plan).toMatch(/Index Scan using \S+ on idempotency_keys/);
    }
  });

  it('stores the status, headers and body of each answer', async () => {
    const { sql, params } = IDEMPOTENCY_ANSWERS.statement([answer('key-7'), answer('key-57')]);
    await pool.query(sql, params);
    const { rows } = await pool.query(
      `SELECT key, response_status, response_headers, response_body FROM idempotency_keys
        WHERE key IN ('key-7', 'key-57', 'key-8') ORDER BY key`,
    );
    expect(rows).toEqual([
      {
        key: 'key-57',
        response_status: 201,
        response_headers: { 'content-type': 'application/json' },
        response_body: '{"ok":true}',
      },
      {
        key: 'key-7',
        response_status: 201,
        response_headers: { 'content-type': 'application/json' },
        response_body: '{"ok":true}',
      },
      { key: 'key-8', response_status: 200, response_headers: {}, response_body: '{}' },
    ]);
  });
});
