import { randomUUID } from 'node:crypto';
import { tokenFor } from '@app/testing';
import { ApiHarness, bearer, postJson, startApiHarness } from '../support/api-harness';

const APPLICATION_TOKEN = 'body-nesting-application-token';

/** Everything after the parser recurses over the body, so its depth is bounded while parsing, whatever the encoding. */
describe('Request body nesting depth', () => {
  let harness: ApiHarness;
  let admin: Record<string, string>;

  beforeAll(async () => {
    harness = await startApiHarness({ BITRIX24_APPLICATION_TOKEN: APPLICATION_TOKEN });
    admin = bearer(tokenFor(harness.config, 'admin'));
  });
  afterAll(() => harness.close());

  const send = async (contentType: string, body: string) => {
    const response = await fetch(`${harness.url}/test/form`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  };

  it('answers 400 problem+json to 200,000 nested arrays on an idempotent route, and remembers nothing', async () => {
    const key = randomUUID();
    const response = await postJson(`${harness.url}/test/orders`, '['.repeat(200_000) + ']'.repeat(200_000), {
      ...admin,
      'idempotency-key': key,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_COMPLEX' });
    expect(await harness.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).toHaveLength(0);
  });

  it('answers 400 to an authentic Bitrix24 event whose data nests 5,000 deep, and stores nothing', async () => {
    const event =
      `{"event":"ONCRMDEALUPDATE","ts":"1723538517","auth":{"application_token":"${APPLICATION_TOKEN}",` +
      `"member_id":"m1","domain":"portal.example"},"data":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    const response = await postJson(`${harness.url}/api/v1/webhooks/bitrix24`, event);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_COMPLEX' });
    expect(await harness.db.query(`SELECT 1 FROM inbox_events WHERE source = 'bitrix24'`)).toHaveLength(0);
  });

  it('allows 16 levels and refuses 17, in JSON and in forms alike', async () => {
    const json = (levels: number) => send('application/json', '['.repeat(levels) + ']'.repeat(levels));
    // The body object is the first level; each bracket opens one more.
    const form = (levels: number) => send('application/x-www-form-urlencoded', `a${'%5Bx%5D'.repeat(levels - 1)}=1`);

    expect((await json(16)).status).toBe(200);
    expect((await form(16)).status).toBe(200);
    for (const refused of [await json(17), await form(17)]) {
      expect(refused.status).toBe(400);
      expect(refused.contentType).toContain('application/problem+json');
      expect(JSON.parse(refused.text)).toMatchObject({ code: 'BODY_TOO_COMPLEX' });
    }
  });

  it('still refuses prototype-poisoning keys in JSON', async () => {
    const response = await send('application/json', '{"__proto__":{"admin":true}}');
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
  });
});
