import { generateRsaKeyPair, signTestToken, tokenFor } from '@app/testing';
import { sign } from 'jsonwebtoken';
import { ApiHarness, bearer, startApiHarness } from '../support/api-harness';

async function get(harness: ApiHarness, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.url}${path}`, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

describe('Bearer JWT authentication and roles (HS256 deployment)', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness();
  });
  afterAll(() => harness.close());

  it('accepts a valid token and exposes the principal', async () => {
    const { status, body } = await get(harness, '/test/admin-only', bearer(tokenFor(harness.config, 'admin')));
    expect(status).toBe(200);
    expect(body).toEqual({ subject: 'admin-subject', roles: ['admin'] });
  });

  it('gives a courier token its courier_id', async () => {
    const token = signTestToken(harness.config, { sub: 'c-7', roles: ['courier'], courierId: 'courier-7' });
    const { status, body } = await get(harness, '/test/courier-only', bearer(token));
    expect(status).toBe(200);
    expect(body).toEqual({ subject: 'c-7', roles: ['courier'], courierId: 'courier-7' });
  });

  const rejected: [string, (harness: ApiHarness) => Record<string, string>][] = [
    ['no token', () => ({})],
    ['a non-bearer scheme', () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ['garbage', () => bearer('not.a.jwt')],
    ['a bad signature', (h) => bearer(signTestToken(h.config, {}, { key: 'another-secret-of-at-least-32-chars!!' }))],
    [
      'alg none',
      () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const payload = Buffer.from(
          JSON.stringify({
            sub: 'x',
            roles: ['admin'],
            iss: 'mastermobile-dev',
            aud: 'mastermobile-api',
            exp: now + 600,
          }),
        ).toString('base64url');
        return bearer(`${header}.${payload}.`);
      },
    ],
    ['an expired token', (h) => bearer(signTestToken(h.config, {}, { signOptions: { expiresIn: -120 } }))],
    ['a token not valid yet', (h) => bearer(signTestToken(h.config, {}, { signOptions: { notBefore: 600 } }))],
    ['a wrong issuer', (h) => bearer(signTestToken(h.config, {}, { signOptions: { issuer: 'someone-else' } }))],
    ['a wrong audience', (h) => bearer(signTestToken(h.config, {}, { signOptions: { audience: 'other-api' } }))],
    ['an unknown role', (h) => bearer(signTestToken(h.config, { roles: ['superuser'] }))],
    ['no role at all', (h) => bearer(signTestToken(h.config, { roles: [] }))],
    ['a courier token without courier_id', (h) => bearer(signTestToken(h.config, { roles: ['courier'] }))],
    [
      'a token without exp',
      (h) =>
        bearer(
          sign({ roles: ['admin'] }, h.config.jwt.secret!, {
            subject: 'x',
            issuer: h.config.jwt.issuer,
            audience: h.config.jwt.audience,
          }),
        ),
    ],
    [
      'an RS256 token (algorithm not allowed here)',
      (h) => bearer(signTestToken(h.config, {}, { key: generateRsaKeyPair().privateKey, algorithm: 'RS256' })),
    ],
  ];

  it.each(rejected)('answers 401 problem+json for %s', async (_name, headers) => {
    const { status, body, headers: responseHeaders } = await get(harness, '/test/admin-only', headers(harness));
    expect(status).toBe(401);
    expect(responseHeaders.get('content-type')).toContain('application/problem+json');
    expect(responseHeaders.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body).toMatchObject({ status: 401, code: expect.stringMatching(/UNAUTHENTICATED|INVALID_TOKEN/) });
    expect(body.requestId).toEqual(responseHeaders.get('x-request-id'));
  });

  it('answers 403 when a valid token lacks the role', async () => {
    const { status, body } = await get(harness, '/test/admin-only', bearer(tokenFor(harness.config, 'courier')));
    expect(status).toBe(403);
    expect(body).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('denies by default a route that declares no role', async () => {
    const { status } = await get(harness, '/test/undeclared', bearer(tokenFor(harness.config, 'admin')));
    expect(status).toBe(403);
  });

  it('serves public routes without a token', async () => {
    const { status, body } = await get(harness, '/test/public?echo=hi');
    expect(status).toBe(200);
    expect(body).toEqual({ echo: 'hi' });
  });
});

describe('Bearer JWT authentication (RS256 deployment)', () => {
  const keys = generateRsaKeyPair();
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness({ JWT_PUBLIC_KEY: keys.publicKeyPem });
  });
  afterAll(() => harness.close());

  it('accepts a token signed with the matching private key', async () => {
    const token = signTestToken(harness.config, {}, { key: keys.privateKey, algorithm: 'RS256' });
    const { status } = await get(harness, '/test/admin-only', bearer(token));
    expect(status).toBe(200);
  });

  it('rejects HS256 signed with the public key as the HMAC secret (key confusion)', async () => {
    const token = signTestToken(harness.config, {}, { key: keys.publicKeyPem, algorithm: 'HS256' });
    const { status } = await get(harness, '/test/admin-only', bearer(token));
    expect(status).toBe(401);
  });

  it('rejects a token from another RSA key', async () => {
    const token = signTestToken(harness.config, {}, { key: generateRsaKeyPair().privateKey, algorithm: 'RS256' });
    const { status } = await get(harness, '/test/admin-only', bearer(token));
    expect(status).toBe(401);
  });
});
