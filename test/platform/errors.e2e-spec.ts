import { tokenFor } from '@app/testing';
import { ApiHarness, bearer, postJson, startApiHarness } from '../support/api-harness';

describe('Errors as RFC 9457 problem+json', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;
  beforeAll(async () => {
    harness = await startApiHarness({ HTTP_BODY_LIMIT_BYTES: '4096' });
    admin = bearer(tokenFor(harness.config, 'admin'));
  });
  afterAll(() => harness.close());

  it('reports validation failures with field paths', async () => {
    const response = await postJson(
      `${harness.url}/test/validate`,
      { reference: '', lines: [{ sku: 'A', quantity: 0 }], unexpected: true },
      admin,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = response.json() as { errors: { path: string }[] } & Record<string, unknown>;
    expect(problem).toMatchObject({
      type: '/problems/validation-failed',
      title: 'Request validation failed',
      status: 400,
      code: 'VALIDATION_FAILED',
      instance: '/test/validate',
    });
    expect(problem.requestId).toBe(response.headers.get('x-request-id'));
    expect(problem.errors.map((error) => error.path).sort()).toEqual(['lines.0.quantity', 'reference', 'unexpected']);
  });

  it('strips nothing silently: valid bodies come back transformed', async () => {
    const response = await postJson(
      `${harness.url}/test/validate`,
      { reference: 'ok', lines: [{ sku: 'A', quantity: 2 }] },
      admin,
    );
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ reference: 'ok', lines: [{ sku: 'A', quantity: 2 }] });
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await postJson(`${harness.url}/test/validate`, '{"reference": ', admin);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      detail: expect.stringMatching(/not valid JSON/),
    });
    expect(response.text).not.toContain('reference');
  });

  it('answers 415 for an unsupported content type', async () => {
    const response = await fetch(`${harness.url}/test/validate`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await postJson(`${harness.url}/test/validate`, { reference: 'x'.repeat(10_000) }, admin);
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('hides unexpected errors behind a 500 that carries only the request id', async () => {
    const response = await fetch(`${harness.url}/test/boom`, { headers: { ...admin, 'x-request-id': 'boom-1' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/10\.0\.0\.5|secret|stack|at /);
    expect(JSON.parse(text)).toEqual({
      type: '/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. Quote the request id when reporting it.',
      instance: '/test/boom',
      code: 'INTERNAL',
      requestId: 'boom-1',
    });
  });

  it('parses PHP bracket form bodies like PHP does', async () => {
    const response = await fetch(`${harness.url}/test/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=7405&auth%5Bmember_id%5D=m1',
    });
    expect(await response.json()).toEqual({
      event: 'ONCRMDEALADD',
      data: { FIELDS: { ID: '7405' } },
      auth: { member_id: 'm1' },
    });
  });

  it('hands raw-stream routes the unread body whatever its content type, past the JSON limit', async () => {
    const payload = Buffer.alloc(50_000, 0x41);
    const response = await fetch(`${harness.url}/test/raw`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: payload,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ bytes: 50_000 });
  });
});

describe('Bad input never yields a 5xx', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;
  beforeAll(async () => {
    harness = await startApiHarness({ HTTP_BODY_LIMIT_BYTES: '2048' });
    admin = bearer(tokenFor(harness.config, 'admin'));
  });
  afterAll(() => harness.close());

  const cases: [string, { path: string; method?: string; headers?: Record<string, string>; body?: string | Buffer }][] =
    [
      ['empty JSON body', { path: '/test/validate', headers: { 'content-type': 'application/json' }, body: '' }],
      ['JSON null', { path: '/test/validate', headers: { 'content-type': 'application/json' }, body: 'null' }],
      ['JSON array', { path: '/test/validate', headers: { 'content-type': 'application/json' }, body: '[1,2]' }],
      ['JSON string', { path: '/test/validate', headers: { 'content-type': 'application/json' }, body: '"x"' }],
      [
        'deeply nested JSON',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: '['.repeat(500) + ']'.repeat(500),
        },
      ],
      [
        'prototype pollution',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: '{"__proto__":{"admin":true},"reference":"x"}',
        },
      ],
      [
        'constructor pollution',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: '{"constructor":{"prototype":{"x":1}}}',
        },
      ],
      [
        'wrong types',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: '{"reference":123,"lines":"nope"}',
        },
      ],
      [
        'nested wrong types',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: '{"reference":"x","lines":[null,1,"a"]}',
        },
      ],
      [
        'binary garbage as JSON',
        {
          path: '/test/validate',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
        },
      ],
      [
        'charset nonsense',
        { path: '/test/validate', headers: { 'content-type': 'application/json; charset=klingon' }, body: '{}' },
      ],
      ['no content type', { path: '/test/validate', body: '{}' }],
      [
        'multipart',
        { path: '/test/validate', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
      ],
      [
        'oversized form',
        {
          path: '/test/form',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'a='.padEnd(5000, 'x'),
        },
      ],
      [
        'form bomb',
        {
          path: '/test/form',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'a' + '[x]'.repeat(300) + '=1',
        },
      ],
      ['invalid cursor', { path: '/api/v1/admin/integration-log?cursor=%%%', method: 'GET' }],
      ['limit out of range', { path: '/api/v1/admin/integration-log?limit=100000', method: 'GET' }],
      ['limit not a number', { path: '/api/v1/admin/integration-log?limit=abc', method: 'GET' }],
      ['bad date filter', { path: '/api/v1/admin/integration-log?from=yesterday', method: 'GET' }],
      ['unknown filter', { path: '/api/v1/admin/integration-log?drop=table', method: 'GET' }],
      ['unknown method', { path: '/test/validate', method: 'PATCH' }],
      ['idempotent route without body', { path: '/test/orders', headers: { 'idempotency-key': 'k-1' } }],
      [
        'idempotency key array',
        {
          path: '/test/orders',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'a, b' },
          body: '{"reference":"x"}',
        },
      ],
    ];

  it.each(cases)('%s → 4xx problem', async (_name, request) => {
    const response = await fetch(`${harness.url}${request.path}`, {
      method: request.method ?? 'POST',
      headers: { ...admin, ...request.headers },
      body: request.method === 'GET' ? undefined : request.body,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const body = await response.text();
    if (body) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it.each([
    ['a huge Authorization header', { authorization: `Bearer ${'a'.repeat(6000)}` }],
    ['a malformed bearer', { authorization: 'Bearer' }],
    ['two bearer words', { authorization: 'Bearer a b' }],
    ['a non-UTF-8 id header', { 'x-request-id': 'ÿÿ' }],
  ])('%s → 4xx', async (_name, headers) => {
    const response = await fetch(`${harness.url}/test/admin-only`, { headers });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
