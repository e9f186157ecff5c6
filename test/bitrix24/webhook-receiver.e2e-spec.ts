import { readdirSync } from 'node:fs';
import {
  bitrix24FixtureJson,
  bitrix24FixturePath,
  bitrix24FixtureText,
  createTestEnvironment,
  FakeBitrix24,
  listen,
  RunningHttpApp,
  TestEnvironment,
  waitFor,
} from '@app/testing';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { DELIVERY_TYPE, FAKE_SMART_PROCESSES, writeMappingFile } from './bitrix24-harness';

const FIXTURES = readdirSync(bitrix24FixturePath('events'))
  .filter((name) => name.endsWith('.form.txt'))
  .map((name) => name.replace(/\.form\.txt$/, ''))
  .sort();

interface Parsed {
  event: string;
  data: Record<string, unknown>;
  ts: string;
  auth: { application_token: string; member_id: string; domain: string };
}

const parsedOf = (name: string) => bitrix24FixtureJson(`events/${name}.parsed.json`) as unknown as Parsed;
const FORM = 'application/x-www-form-urlencoded';

/**
 * What a form body can carry: every value a string, and an empty array not at all (the derived JSON beside each
 * body has a few numbers and an empty `data: []` that the wire form cannot express).
 */
function asWire(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? null : value.map(asWire);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asWire(item)]));
  }
  return typeof value === 'number' ? String(value) : value;
}

async function post(url: string, body: string, contentType = FORM) {
  const response = await fetch(`${url}/api/v1/webhooks/bitrix24`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Bitrix24 webhook receiver', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let db: DataSource;
  const inboxRows = async () =>
    db.query<{ type: string; subject: string | null; payload: Record<string, unknown>; duplicates: number }[]>(
      `SELECT type, subject, payload, duplicates FROM inbox_events WHERE source = 'bitrix24' ORDER BY received_at`,
    );

  beforeAll(async () => {
    env = await createTestEnvironment();
    // Every recorded body's token is a configured one (rotation: several at once); no portal is pinned here.
    const tokens = FIXTURES.map((name) => parsedOf(name).auth.application_token);
    api = await listen(await createApiApplication(env.config({ BITRIX24_APPLICATION_TOKEN: tokens.join(',') })));
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api?.close();
    await env?.dispose();
  });

  it('has the recorded bodies to test with', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(6);
  });

  it.each(FIXTURES)('stores %s as sent, without tokens, and a repeat as a re-check', async (name) => {
    const body = bitrix24FixtureText(`events/${name}.form.txt`).trim();
    const parsed = parsedOf(name);
    const before = (await inboxRows()).length;

    expect(await post(api.url, body)).toEqual({ status: 200, body: { status: 'accepted' } });
    expect(await post(api.url, body)).toEqual({ status: 200, body: { status: 'duplicate' } });

    // The repeat is stored once more, to re-check the entity after the first copy: Bitrix24 never re-delivers, so
    // an identical body (ts has whole seconds) is a second change within the same second.
    const rows = await inboxRows();
    expect(rows).toHaveLength(before + 2);
    const [row, recheck] = rows.slice(before);
    expect(row.type).toBe(parsed.event);
    expect(row.duplicates).toBe(1);
    expect(recheck).toEqual({ ...row, duplicates: 0 });
    expect(row.payload).toMatchObject({
      event: parsed.event,
      ts: parsed.ts,
      data: asWire(parsed.data),
      auth: { domain: parsed.auth.domain, member_id: parsed.auth.member_id },
    });
    const fields = (parsed.data.FIELDS ?? parsed.data.FIELDS_AFTER ?? {}) as Record<string, string>;
    if (parsed.event === 'ONCRMDYNAMICITEMUPDATE') {
      expect(row.subject).toBe(`crm:${fields.ENTITY_TYPE_ID}:${fields.ID}`);
    } else if (parsed.event.startsWith('ONCRMDEAL')) {
      expect(row.subject).toBe(`crm:2:${fields.ID}`);
    } else if (parsed.event.startsWith('ONTASK')) {
      expect(row.subject).toBe(`task:${fields.ID}`);
    }
    const stored = JSON.stringify(row.payload);
    expect(stored).not.toContain(parsed.auth.application_token);
    expect(stored).not.toMatch(/access_token|refresh_token/);
  });

  it('accepts the same event as JSON', async () => {
    const parsed = { ...parsedOf(FIXTURES[0]), ts: '1999999999' };
    expect(await post(api.url, JSON.stringify(parsed), 'application/json')).toEqual({
      status: 200,
      body: { status: 'accepted' },
    });
  });

  it('refuses a forged or missing token with 401 and stores nothing', async () => {
    const body = bitrix24FixtureText(`events/${FIXTURES[0]}.form.txt`).trim();
    const token = parsedOf(FIXTURES[0]).auth.application_token;
    const before = (await inboxRows()).length;
    const forged = body.replace(token, `${token.slice(0, -1)}x`);
    const missing = body.replace(/&?auth%5Bapplication_token%5D=[^&]*/, '');
    for (const attempt of [forged, missing, body.replace(token, ''), 'event=ONCRMDEALUPDATE']) {
      const answer = await post(api.url, attempt);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'BITRIX24_EVENT_UNAUTHENTICATED' });
    }
    expect(await inboxRows()).toHaveLength(before);
  });

  it('accepts and stores an authentic event while forged calls from the same address are over the cap', async () => {
    // Behind an ingress every caller shares one address (security finding 4): forged calls must not shut Bitrix24 out.
    for (const round of [1, 2, 3]) {
      await waitFor(
        async () => {
          const answers = await Promise.all(
            Array.from({ length: 10 }, () => post(api.url, 'event=ONCRMDEALUPDATE&auth%5Bapplication_token%5D=forged')),
          );
          return answers.some((answer) => answer.status === 429);
        },
        { what: 'the refusal cap to answer 429' },
      );
      const authentic = { ...parsedOf(FIXTURES[0]), ts: String(1_900_000_000 + round) };
      expect(await post(api.url, JSON.stringify(authentic), 'application/json')).toEqual({
        status: 200,
        body: { status: 'accepted' },
      });
      const stored = await inboxRows();
      expect(stored.some((row) => row.payload.ts === authentic.ts)).toBe(true);
    }
  });

  it('answers 429 to a source that keeps sending refused calls', async () => {
    // 120 calls in waves of 10 take well under a second: at least one one-second window sees more than 50 refusals.
    const statuses: number[] = [];
    for (let wave = 0; wave < 12; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post(api.url, 'event=ONCRMDEALUPDATE&auth%5Bapplication_token%5D=forged')),
      );
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    // Let the window pass so the next tests' calls from this address are not held back.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
  });

  it('refuses a body over the webhook limit', async () => {
    const body = `event=ONCRMDEALUPDATE&data%5BX%5D=${'a'.repeat(70 * 1024)}`;
    expect((await post(api.url, body)).status).toBe(413);
  });

  describe('pinned to a portal', () => {
    let fake: FakeBitrix24;
    let pinnedEnv: TestEnvironment;
    let pinned: RunningHttpApp;

    beforeAll(async () => {
      fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES, memberId: 'a'.repeat(32) });
      pinnedEnv = await createTestEnvironment();
      const hook = fake.addOutgoingWebhook({ url: 'http://placeholder', events: ['ONCRMDYNAMICITEMUPDATE'] });
      pinned = await listen(
        await createApiApplication(
          pinnedEnv.config({
            BITRIX24_WEBHOOK_URL: fake.webhookUrl,
            BITRIX24_MAPPING_FILE: writeMappingFile(),
            BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
            BITRIX24_MEMBER_ID: 'a'.repeat(32),
          }),
        ),
      );
      fake.addOutgoingWebhook({
        url: `${pinned.url}/api/v1/webhooks/bitrix24`,
        events: ['ONCRMDYNAMICITEMUPDATE'],
        applicationToken: hook.applicationToken,
      });
    });
    afterAll(async () => {
      await pinned?.close();
      await fake?.stop();
      await pinnedEnv?.dispose();
    });

    it("takes the portal's own events without calling the portal back", async () => {
      const item = fake.uiAddItem(DELIVERY_TYPE, { title: 'From the UI' });
      fake.uiUpdateItem(DELIVERY_TYPE, Number(item.id), { title: 'Edited in the UI' });
      await fake.settleDeliveries();
      const ours = fake.deliveries.filter((delivery) => delivery.url.startsWith(pinned.url));
      expect(ours.map((delivery) => delivery.status)).toEqual([200]);
      expect(fake.stats.requests).toBe(0);
      await waitFor(async () => {
        const rows = await pinned.app
          .get(DataSource)
          .query<unknown[]>(`SELECT 1 FROM inbox_events WHERE subject = $1`, [
            `crm:${DELIVERY_TYPE}:${String(item.id)}`,
          ]);
        return rows.length === 1;
      });
    });

    it('refuses another member or another domain with 401', async () => {
      const body = fake.deliveries[fake.deliveries.length - 1].body;
      const otherMember = body.replace(/auth%5Bmember_id%5D=[0-9a-f]+/, `auth%5Bmember_id%5D=${'b'.repeat(32)}`);
      const otherDomain = body.replace(/auth%5Bdomain%5D=[^&]+/, 'auth%5Bdomain%5D=evil.bitrix24.com');
      expect((await post(pinned.url, otherMember)).status).toBe(401);
      expect((await post(pinned.url, otherDomain)).status).toBe(401);
      expect((await post(pinned.url, body)).body).toEqual({ status: 'duplicate' });
    });
  });
});
