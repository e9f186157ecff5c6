import { randomUUID } from 'node:crypto';
import { canonicalJson, IdempotencyService, sha256Hex } from '@app/core';
import { signTestToken, tokenFor } from '@app/testing';
import { ApiHarness, bearer, postJson, startApiHarness } from '../support/api-harness';
import { probeExecutions } from '../support/platform-probe.module';

describe('Idempotency-Key over HTTP', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;
  const orders = () => `${harness.url}/test/orders`;
  const writes = async (reference: string) => {
    const [row] = await harness.db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM probe_writes WHERE reference = $1',
      [reference],
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    harness = await startApiHarness();
    admin = bearer(tokenFor(harness.config, 'admin'));
  });
  afterAll(() => harness.close());

  it('rejects a state-changing request without a key (400) and changes nothing', async () => {
    const response = await postJson(orders(), { reference: 'no-key' }, admin);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING' });
    expect(await writes('no-key')).toBe(0);
  });

  it.each([['a'.repeat(256)], ['with space'], ['naïve']])('rejects an invalid key %#', async (key) => {
    const response = await postJson(orders(), { reference: 'bad-key' }, { ...admin, 'idempotency-key': key });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID' });
  });

  it('replays the first response byte for byte with Idempotent-Replayed', async () => {
    const key = randomUUID();
    const headers = { ...admin, 'idempotency-key': key };
    const first = await postJson(orders(), { reference: 'replay', lines: [{ sku: 'A', quantity: 1 }] }, headers);
    // Same body with keys in another order: the fingerprint is over canonical JSON.
    const second = await postJson(orders(), { lines: [{ quantity: 1, sku: 'A' }], reference: 'replay' }, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await writes('replay')).toBe(1);
  });

  it('answers 422 for the same key with a different body and changes nothing', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    expect((await postJson(orders(), { reference: 'first-body' }, headers)).status).toBe(201);
    const reused = await postJson(orders(), { reference: 'second-body' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await writes('second-body')).toBe(0);
  });

  it('scopes keys by principal: another caller with the same key executes separately', async () => {
    const key = randomUUID();
    const other = bearer(signTestToken(harness.config, { sub: 'other-admin', roles: ['admin'] }));
    const mine = await postJson(orders(), { reference: 'scoped' }, { ...admin, 'idempotency-key': key });
    const theirs = await postJson(orders(), { reference: 'scoped' }, { ...other, 'idempotency-key': key });
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.text).not.toBe(mine.text);
    expect(await writes('scoped')).toBe(2);
  });

  it('answers 409 with Retry-After while the first request is still running', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    const body = { reference: 'slow', delayMs: 1_500 };
    const first = postJson(orders(), body, headers);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const concurrent = await postJson(orders(), body, headers);
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers.get('retry-after')).toBe('1');
    expect(concurrent.json()).toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS' });
    expect((await first).status).toBe(201);
    const after = await postJson(orders(), body, headers);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(await writes('slow')).toBe(1);
  });

  it('does not store a 5xx: the transaction rolls back and a retry executes again', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    const failed = await postJson(orders(), { reference: 'flaky', fail: 'internal' }, headers);
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain('hunter2');
    expect(await writes('flaky')).toBe(0);
    const retried = await postJson(orders(), { reference: 'flaky', fail: 'internal' }, headers);
    expect(retried.status).toBe(500);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('remembers a business 4xx, rolls back its writes, and replays it', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    const first = await postJson(orders(), { reference: 'missing', fail: 'not_found' }, headers);
    expect(first.status).toBe(404);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    const replay = await postJson(orders(), { reference: 'missing', fail: 'not_found' }, headers);
    expect(replay.status).toBe(404);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await writes('missing')).toBe(0);
  });

  it('does not store validation failures', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    expect((await postJson(orders(), { reference: '' }, headers)).status).toBe(400);
    expect((await postJson(orders(), { reference: 'now-valid' }, headers)).status).toBe(201);
  });

  it('executes 50 parallel identical requests exactly once', async () => {
    const headers = { ...admin, 'idempotency-key': randomUUID() };
    const before = probeExecutions.count;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postJson(orders(), { reference: 'stampede', delayMs: 200 }, headers)),
    );
    expect(probeExecutions.count - before).toBe(1);
    expect(await writes('stampede')).toBe(1);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).not.toHaveLength(0);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = responses.filter((response) => response.status === 201).map((response) => response.text);
    expect(new Set(created).size).toBe(1);
  });

  it('treats an expired key as new and the purge removes expired keys', async () => {
    const key = randomUUID();
    const headers = { ...admin, 'idempotency-key': key };
    await postJson(orders(), { reference: 'expiring' }, headers);
    await harness.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      key,
    ]);
    const again = await postJson(orders(), { reference: 'expiring' }, headers);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await writes('expiring')).toBe(2);

    await harness.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      key,
    ]);
    const purged = await harness.http.app.get(IdempotencyService).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await harness.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
    expect(left).toHaveLength(0);
  });

  it('stores keys for 24 hours', async () => {
    const key = randomUUID();
    await postJson(orders(), { reference: 'ttl' }, { ...admin, 'idempotency-key': key });
    const [row] = await harness.db.query<{ hours: number }[]>(
      'SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = $1',
      [key],
    );
    expect(Math.round(Number(row.hours))).toBe(24);
  });

  describe('a key is bound to the resource and query it was first used with', () => {
    const batchOrders = (batch: string, query = '') => `${harness.url}/test/batches/${batch}/orders${query}`;

    it('answers 422 to the same key and body on another resource, and writes nothing there', async () => {
      const headers = { ...admin, 'idempotency-key': randomUUID() };
      const first = await postJson(batchOrders('1'), { reference: 'per-resource' }, headers);
      expect(first.status).toBe(201);
      const elsewhere = await postJson(batchOrders('2'), { reference: 'per-resource' }, headers);
      expect(elsewhere.status).toBe(422);
      expect(elsewhere.headers.get('content-type')).toContain('application/problem+json');
      expect(elsewhere.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', instance: '/test/batches/2/orders' });
      expect(await writes('2:per-resource')).toBe(0);

      // The first resource still replays, however its path is spelled.
      for (const url of [batchOrders('1'), `${batchOrders('1')}/`]) {
        const retry = await postJson(url, { reference: 'per-resource' }, headers);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.text).toBe(first.text);
      }
      expect(await writes('1:per-resource')).toBe(1);
    });

    it('answers 422 to the same key with another query, and replays the same query', async () => {
      const headers = { ...admin, 'idempotency-key': randomUUID() };
      const first = await postJson(batchOrders('7', '?priority=high'), { reference: 'per-query' }, headers);
      expect(first.status).toBe(201);
      for (const query of ['?priority=low', '']) {
        const other = await postJson(batchOrders('7', query), { reference: 'per-query' }, headers);
        expect(other.status).toBe(422);
        expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      }
      const retry = await postJson(batchOrders('7', '?priority=high'), { reference: 'per-query' }, headers);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await writes('7:per-query')).toBe(1);
    });
  });

  describe('keys stored before the resource was part of the fingerprint', () => {
    /** A row as the previous release wrote it: the fingerprint covers the body alone. */
    const storeEarlierKey = async (route: string, body: unknown): Promise<string> => {
      const probeKey = randomUUID();
      await postJson(orders(), { reference: 'whoami' }, { ...admin, 'idempotency-key': probeKey });
      const [{ principal }] = await harness.db.query<{ principal: string }[]>(
        'SELECT principal FROM idempotency_keys WHERE key = $1',
        [probeKey],
      );
      const key = randomUUID();
      await harness.db.query(
        `INSERT INTO idempotency_keys
           (principal, method, route, key, fingerprint, response_status, response_headers, response_body, expires_at)
         VALUES ($1, 'POST', $2, $3, $4, 201, $5, $6, now() + interval '1 hour')`,
        [
          principal,
          route,
          key,
          sha256Hex(canonicalJson(body)),
          { 'content-type': 'application/json; charset=utf-8' },
          '{"stored":"before the upgrade"}',
        ],
      );
      return key;
    };

    it('still replays them on routes without path parameters', async () => {
      const key = await storeEarlierKey('/test/orders', { reference: 'earlier' });
      const retry = await postJson(orders(), { reference: 'earlier' }, { ...admin, 'idempotency-key': key });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.text).toBe('{"stored":"before the upgrade"}');
      expect(await writes('earlier')).toBe(0);
    });

    it('answers 422 on routes with path parameters, since the resource they ran on is unknown', async () => {
      const key = await storeEarlierKey('/test/batches/:batch/orders', { reference: 'earlier-batch' });
      const retry = await postJson(
        `${harness.url}/test/batches/3/orders`,
        { reference: 'earlier-batch' },
        { ...admin, 'idempotency-key': key },
      );
      expect(retry.status).toBe(422);
      expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await writes('3:earlier-batch')).toBe(0);
    });
  });
});
