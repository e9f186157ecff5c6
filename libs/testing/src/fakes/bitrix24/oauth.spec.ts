import { FakeBitrix24 } from './fake-bitrix24';
import { call, callApp, ManualClock, post } from './spec-helpers';

describe('FakeBitrix24 OAuth', () => {
  let fake: FakeBitrix24;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    fake = await FakeBitrix24.start({ clock: clock.now, oauth: { accessTokenTtlSec: 60 } });
  });

  afterEach(() => fake.stop());

  function refresh(refreshToken: string, via: 'GET' | 'POST' = 'POST') {
    const params = {
      grant_type: 'refresh_token',
      client_id: fake.oauth.clientId,
      client_secret: fake.oauth.clientSecret,
      refresh_token: refreshToken,
    };
    if (via === 'POST') {
      return post(fake.oauth.tokenUrl, params);
    }
    return fetch(`${fake.oauth.tokenUrl}?${new URLSearchParams(params).toString()}`).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));
  }

  it('accepts the access token in the body or the query, and refuses bad tokens with invalid_token', async () => {
    expect((await callApp(fake, 'crm.item.list', { entityTypeId: 2 })).status).toBe(200);
    const viaQuery = await fetch(
      `${fake.oauth.clientEndpoint}crm.item.fields.json?entityTypeId=2&auth=${fake.oauth.accessToken}`,
    );
    expect(viaQuery.status).toBe(200);

    const bad = await callApp(fake, 'crm.item.list', { entityTypeId: 2 }, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_token');
    const none = await post(`${fake.oauth.clientEndpoint}crm.item.list`, { entityTypeId: 2 });
    expect(none.body.error).toBe('NO_AUTH_FOUND');
  });

  it('expires access tokens after the TTL, then refreshes with rotation and rejects a reused refresh token', async () => {
    const firstRefreshToken = fake.oauth.refreshToken;
    clock.advance(61_000);

    const expired = await callApp(fake, 'crm.item.list', { entityTypeId: 2 });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({
      error: 'expired_token',
      error_description: 'The access token provided has expired.',
    });

    const refreshed = await refresh(firstRefreshToken);
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual([
      'access_token',
      'client_endpoint',
      'domain',
      'expires',
      'expires_in',
      'member_id',
      'refresh_token',
      'scope',
      'server_endpoint',
      'status',
      'user_id',
    ]);
    expect(refreshed.body).toMatchObject({
      expires_in: 60,
      domain: 'oauth.bitrix.info',
      member_id: fake.oauth.memberId,
    });
    expect(refreshed.body.refresh_token).not.toBe(firstRefreshToken);
    expect(fake.oauth.refreshToken).toBe(refreshed.body.refresh_token);

    const retried = await callApp(fake, 'crm.item.list', { entityTypeId: 2 }, String(refreshed.body.access_token));
    expect(retried.status).toBe(200);

    const reused = await refresh(firstRefreshToken, 'GET');
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect(fake.stats.oauthRefreshes).toBe(1);
  });

  it('answers wrong client credentials with the recorded wrong_client error', async () => {
    const answer = await post(fake.oauth.tokenUrl, {
      grant_type: 'refresh_token',
      client_id: fake.oauth.clientId,
      client_secret: 'nope',
      refresh_token: fake.oauth.refreshToken,
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'wrong_client' });
  });

  it('lets tests expire every token at once', async () => {
    fake.expireAccessTokens();

    expect((await callApp(fake, 'crm.item.list', { entityTypeId: 2 })).body.error).toBe('expired_token');
  });

  it('refuses event and offline methods to an incoming webhook', async () => {
    for (const method of ['event.bind', 'event.get', 'event.offline.get', 'event.offline.list']) {
      const answer = await call(fake, method, { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1/x' });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('WRONG_AUTH_TYPE');
    }
  });

  it('answers app.info to an application token only, as installers use it to verify a fresh token', async () => {
    expect((await callApp(fake, 'app.info')).body.result).toEqual({
      ID: 1,
      CODE: fake.oauth.clientId,
      VERSION: 1,
      STATUS: 'L',
      INSTALLED: true,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: 'ru',
      LICENSE: 'ru_project',
      LICENSE_TYPE: 'project',
      LICENSE_FAMILY: 'project',
    });
    expect((await callApp(fake, 'app.info', {}, 'forged')).body.error).toBe('invalid_token');
    expect((await call(fake, 'app.info')).body.error).toBe('WRONG_AUTH_TYPE');
  });

  it('tells another application on the same portal its own CODE, and its token works like ours', async () => {
    const other = fake.addApplication({ clientId: 'local.0123456789abcd.11111111', status: 'F' });

    expect(other).toMatchObject({ memberId: fake.oauth.memberId, domain: fake.oauth.domain });
    expect(other.accessToken).not.toBe(fake.oauth.accessToken);
    expect(other.applicationToken).not.toBe(fake.oauth.applicationToken);
    expect((await callApp(fake, 'app.info', {}, other.accessToken)).body.result).toMatchObject({
      ID: 2,
      CODE: 'local.0123456789abcd.11111111',
      STATUS: 'F',
    });
    expect((await callApp(fake, 'crm.item.list', { entityTypeId: 2 }, other.accessToken)).status).toBe(200);
    expect((await callApp(fake, 'app.info')).body.result).toMatchObject({ ID: 1, CODE: fake.oauth.clientId });
  });
});
