import { randomBytes } from 'node:crypto';
import {
  type ApiProcess,
  createTestEnvironment,
  encodeEventBody,
  FakeBitrix24,
  listen,
  type OAuthSettings,
  RunningHttpApp,
  startApiProcess,
  TestEnvironment,
  waitFor,
} from '@app/testing';
import { Client } from 'pg';
import { createApiApplication } from '../../apps/api/src/api';
import { FAKE_SMART_PROCESSES, oauthEnv, postInstall } from './bitrix24-harness';

/** Another local application installed on the same portal: its tokens are valid there, its client id is not ours. */
const OTHER_CLIENT_ID = 'local.5f0c1e2d3b4a59.12345678';

function probes(db: Client, fake: FakeBitrix24) {
  return {
    installations: async () =>
      (await db.query<Record<string, unknown>>('SELECT * FROM bitrix24_oauth_installations ORDER BY member_id')).rows,
    audits: async () =>
      (
        await db.query<Record<string, unknown>>(
          `SELECT actor, action, target_type, target_id, details FROM admin_audit_log
           WHERE target_type = 'bitrix24_installation' ORDER BY id`,
        )
      ).rows,
    appInfoCalls: () => fake.requests.filter((request) => request.method === 'app.info').length,
  };
}

describe('Bitrix24 install handler: our application only, on the installed portal only (security finding 1)', () => {
  let fake: FakeBitrix24;
  let env: TestEnvironment;
  let api: ApiProcess;
  let db: Client;
  let probe: ReturnType<typeof probes>;
  let other: OAuthSettings;
  // What Bitrix24 sends on a re-install: new refresh and application tokens.
  const reinstalled = {
    refresh_token: randomBytes(16).toString('hex'),
    application_token: randomBytes(16).toString('hex'),
  };

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES });
    other = fake.addApplication({ clientId: OTHER_CLIENT_ID });
    // No BITRIX24_MEMBER_ID: the first install pins the portal, as in a deployment that never set it.
    env = await createTestEnvironment({ env: oauthEnv(fake, { BITRIX24_INSTALL_RATE_PER_MINUTE: '100' }) });
    // A real process, so its log lines can be read.
    api = await startApiProcess(env.env);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    probe = probes(db, fake);
  });
  afterAll(async () => {
    await db?.end();
    await api?.app.stop();
    await fake?.stop();
    await env?.dispose();
  });

  it("refuses another application's token from the same portal, before and after our install, changing nothing", async () => {
    const refused = await postInstall(api.url, other);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ code: 'BITRIX24_INSTALL_REFUSED' });
    expect(await probe.installations()).toEqual([]);
    expect(await probe.audits()).toEqual([]);

    expect((await postInstall(api.url, fake.oauth)).status).toBe(200);
    const ours = await probe.installations();
    expect(ours).toEqual([
      expect.objectContaining({
        member_id: fake.oauth.memberId,
        access_token: fake.oauth.accessToken,
        application_token: fake.oauth.applicationToken,
        status: 'active',
      }),
    ]);

    expect((await postInstall(api.url, other)).status).toBe(401);
    expect(await probe.installations()).toEqual(ours);
    // So its application token never opens the webhook either.
    const event = await fetch(`${api.url}/api/v1/webhooks/bitrix24`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeEventBody({
        event: 'ONCRMDYNAMICITEMUPDATE',
        event_handler_id: 1,
        data: { FIELDS: { ID: '1', ENTITY_TYPE_ID: '1036' } },
        ts: Math.floor(Date.now() / 1000),
        auth: { domain: other.domain, member_id: other.memberId, application_token: other.applicationToken },
      }),
    });
    expect(event.status).toBe(401);
  });

  it('refuses a re-install for another member or another domain, even with our token, changing nothing', async () => {
    const before = await probe.installations();
    const elsewhere: Record<string, string>[] = [{ member_id: 'f'.repeat(32) }, { domain: 'evil.bitrix24.com' }];
    for (const overrides of elsewhere) {
      const response = await postInstall(api.url, fake.oauth, { ...overrides, ...reinstalled });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'BITRIX24_INSTALL_REFUSED' });
    }
    expect(await probe.installations()).toEqual(before);
    expect(await probe.audits()).toHaveLength(1);
  });

  it('re-installs our application over its own row and audits the install and the re-install', async () => {
    // A lost refresh token: the status endpoint says "re-install", and an admin does.
    await db.query(`UPDATE bitrix24_oauth_installations SET status = 'reauthorize'`);

    const response = await postInstall(api.url, fake.oauth, reinstalled);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'installed', memberId: fake.oauth.memberId });

    expect(await probe.installations()).toEqual([
      expect.objectContaining({
        member_id: fake.oauth.memberId,
        refresh_token: reinstalled.refresh_token,
        application_token: reinstalled.application_token,
        status: 'active',
      }),
    ]);
    const audited = {
      actor: `bitrix24:${fake.oauth.domain}`,
      target_type: 'bitrix24_installation',
      target_id: fake.oauth.memberId,
    };
    expect(await probe.audits()).toEqual([
      {
        ...audited,
        action: 'bitrix24_installation.install',
        details: expect.objectContaining({ domain: fake.oauth.domain, applicationId: '1', scope: fake.oauth.scope }),
      },
      {
        ...audited,
        action: 'bitrix24_installation.reinstall',
        details: expect.objectContaining({ domain: fake.oauth.domain, previousStatus: 'reauthorize' }),
      },
    ]);
  });

  it('accepts at once the token of an install another replica made, though this one read the tokens just before', async () => {
    const event = (applicationToken: string, id: string) =>
      fetch(`${api.url}/api/v1/webhooks/bitrix24`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodeEventBody({
          event: 'ONCRMDYNAMICITEMUPDATE',
          event_handler_id: 1,
          data: { FIELDS: { ID: id, ENTITY_TYPE_ID: '1036' } },
          ts: Math.floor(Date.now() / 1000),
          auth: { domain: fake.oauth.domain, member_id: fake.oauth.memberId, application_token: applicationToken },
        }),
      });
    expect((await event(reinstalled.application_token, '101')).status).toBe(200);
    // Another replica's re-install: only the database changes.
    const replaced = randomBytes(16).toString('hex');
    await db.query('UPDATE bitrix24_oauth_installations SET application_token = $1', [replaced]);
    expect((await event(replaced, '102')).status).toBe(200);
    // Put back for the tests after this one.
    await db.query('UPDATE bitrix24_oauth_installations SET application_token = $1', [reinstalled.application_token]);
  });

  it('keeps every token and the client secret out of the logs, the audit and the integration log', async () => {
    await api.app.waitForOutput(/Bitrix24 local application reinstalled on/);
    const integrationLog = await waitFor(async () => {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT * FROM integration_log WHERE operation = 'app.info'`,
      );
      return rows.length >= probe.appInfoCalls() ? rows : undefined;
    });
    expect(api.app.logs).toMatch(/Bitrix24 local application installed on/);
    expect(api.app.logs).toMatch(/the access token belongs to another application/);
    expect(api.app.logs).toMatch(/member_id is not the installed portal/);
    const stored = JSON.stringify([await probe.audits(), integrationLog]);
    const secrets = [
      fake.oauth.accessToken,
      fake.oauth.refreshToken,
      fake.oauth.applicationToken,
      fake.oauth.clientSecret,
      other.accessToken,
      other.refreshToken,
      other.applicationToken,
      reinstalled.refresh_token,
      reinstalled.application_token,
    ];
    for (const secret of secrets) {
      expect(api.app.logs).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });
});

describe('Bitrix24 install handler: attempts are capped across replicas before any outbound call (finding 1)', () => {
  let fake: FakeBitrix24;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let replica: ApiProcess;
  let db: Client;
  let probe: ReturnType<typeof probes>;

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES });
    env = await createTestEnvironment({ env: oauthEnv(fake, { BITRIX24_INSTALL_RATE_PER_MINUTE: '3' }) });
    api = await listen(await createApiApplication(env.config()));
    replica = await startApiProcess(env.env);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    probe = probes(db, fake);
  });
  afterAll(async () => {
    await db?.end();
    await replica?.app.stop();
    await api?.close();
    await fake?.stop();
    await env?.dispose();
  });

  it('answers 429 once the cap is reached, even to our own token, and no longer calls app.info', async () => {
    const other = fake.addApplication({ clientId: OTHER_CLIENT_ID });
    for (const url of [api.url, replica.url, api.url]) {
      expect((await postInstall(url, other)).status).toBe(401);
    }
    expect(probe.appInfoCalls()).toBe(3);

    for (const url of [replica.url, api.url]) {
      const capped = await postInstall(url, fake.oauth);
      expect(capped.status).toBe(429);
      expect(capped.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await capped.json()).toMatchObject({ code: 'BITRIX24_INSTALL_RATE_LIMITED' });
    }
    expect(probe.appInfoCalls()).toBe(3);
    expect(await probe.installations()).toEqual([]);
    expect(await probe.audits()).toEqual([]);
  });
});
