import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { onecFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import {
  basic,
  EXCHANGE_LOGIN,
  EXCHANGE_PASSWORD,
  OnecHarness,
  rawExchangeCall,
  startOnecHarness,
} from './onec-harness';

const CATALOG = onecFixture('ok/ut11-catalog-deleted-product/import0_1.xml');
const FILE_LIMIT = 204_800;
const MAX_SESSION_BYTES = 1_048_576;
const LOCKED = 'failure\nTOO_MANY_LOGINS: Too many failed logins; try again later';
const WRONG = 'failure\nAUTH_FAILED: Wrong exchange login or password';

interface LogRow {
  id: string;
  operation: string;
  url: string | null;
  response_body: string | null;
}

/** One `mode=file` POST whose body is held back after its first bytes until `release` is called. */
function heldUpload(
  harness: OnecHarness,
  cookie: string,
  filename: string,
  size: number,
): { reply: Promise<string>; answered: () => boolean; release: () => void } {
  const url = `${harness.api.url}/bitrix/admin/1c_exchange.php?type=catalog&mode=file&filename=${filename}`;
  let answered = false;
  let release = () => {};
  const reply = new Promise<string>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', headers: { cookie, 'content-length': String(size) } },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      },
    );
    // A refusal closes the connection before the body is sent: the reply is what counts then.
    outgoing.on('error', (error) => (answered ? undefined : reject(error)));
    outgoing.write(Buffer.alloc(1_000, 0x20));
    release = () => {
      if (!answered) {
        outgoing.end(Buffer.alloc(size - 1_000, 0x20));
      }
    };
  });
  return { reply, answered: () => answered, release: () => release() };
}

describe('the exchange under attack (security review, issue 8)', () => {
  let harness: OnecHarness;
  let redis: Redis;

  const metrics = async () => (await fetch(`${harness.api.url}/metrics`)).text();
  const metricValue = (text: string, series: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  const checkauth = (login: string, password: string, from?: string) =>
    rawExchangeCall(harness, 'type=catalog&mode=checkauth', { headers: basic(login, password), from });
  const firstLine = async (reply: Promise<{ text: string }>) => (await reply).text.split('\n')[0];
  /** The 15-minute windows of failed logins and of refusal samples pass. */
  const windowsPass = async () => {
    const keys = await redis.keys(`${harness.config.redis.keyPrefix}:onec:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  };
  const lastLogId = async () =>
    (await harness.db.query<{ id: string | null }[]>('SELECT max(id) AS id FROM integration_log'))[0].id ?? '0';

  beforeAll(async () => {
    harness = await startOnecHarness({
      ONEC_EXCHANGE_FILE_LIMIT: String(FILE_LIMIT),
      ONEC_EXCHANGE_MAX_SESSION_BYTES: String(MAX_SESSION_BYTES),
      ONEC_EXCHANGE_LOGIN_ATTEMPTS: '3',
      ONEC_EXCHANGE_LOGIN_ATTEMPTS_TOTAL: '5',
    });
    redis = new Redis(harness.config.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });
  beforeEach(windowsPass);

  describe('finding 3: metric labels come from closed sets', () => {
    it('labels unknown types and modes `other`, before and after authentication', async () => {
      for (const junk of ['a1', 'b2', 'c3']) {
        await rawExchangeCall(harness, `type=x-${junk}&mode=y-${junk}`);
        await rawExchangeCall(harness, `type=catalog&mode=z-${junk}`);
      }
      const client = harness.client();
      await client.checkauth('sale');
      await client.call('sale', 'w-junk', {});
      const text = await metrics();
      expect(text).not.toMatch(/[xyzw]-(a1|b2|c3|junk)/);
      expect(metricValue(text, 'onec_exchange_requests_total{type="other",mode="other",status="failure"}')).toBe(3);
      expect(metricValue(text, 'onec_exchange_requests_total{type="catalog",mode="other",status="failure"}')).toBe(3);
      expect(metricValue(text, 'onec_exchange_requests_total{type="sale",mode="other",status="success"}')).toBe(1);
    });

    it('keeps the HTTP duration histogram to route templates for paths that match no route', async () => {
      for (const junk of ['p1', 'p2', 'p3']) {
        await fetch(`${harness.api.url}/no-such-route-${junk}?x=${junk}`);
      }
      const text = await metrics();
      expect(text).not.toContain('no-such-route');
      expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} \d+/);
    });
  });

  describe('finding 4: failed logins lock out per login and source', () => {
    it('lets the real 1C in from the address where someone failed with other logins', async () => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await checkauth('someone', `guess-${attempt}`)).text).toBe(WRONG);
      }
      expect((await checkauth('someone-else', 'guess')).text).toBe(LOCKED);
      expect(await firstLine(checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD))).toBe('success');
      // While a login is locked, every failure from that address answers alike: no hint which login is the real one.
      expect((await checkauth(EXCHANGE_LOGIN, 'wrong-password')).text).toBe(LOCKED);
    });

    it('locks the guessed login at its source for its window, even with the right password', async () => {
      const guesser = '127.0.0.2';
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await checkauth(EXCHANGE_LOGIN, `guess-${attempt}`, guesser)).text).toBe(WRONG);
      }
      expect((await checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD, guesser)).text).toBe(LOCKED);
      expect(await firstLine(checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD, '127.0.0.1'))).toBe('success');
      await windowsPass();
      expect(await firstLine(checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD, guesser))).toBe('success');
    });

    it('locks a login guessed from many sources everywhere, until its window passes', async () => {
      for (const [index, source] of ['127.0.0.3', '127.0.0.3', '127.0.0.4', '127.0.0.4', '127.0.0.5'].entries()) {
        expect((await checkauth(EXCHANGE_LOGIN, `guess-${index}`, source)).text).toBe(WRONG);
      }
      expect((await checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD, '127.0.0.6')).text).toBe(LOCKED);
      await windowsPass();
      expect(await firstLine(checkauth(EXCHANGE_LOGIN, EXCHANGE_PASSWORD, '127.0.0.6'))).toBe('success');
    });
  });

  describe('finding 5: refused calls are counted and sampled, not stored in full', () => {
    it('stores one capped row per source and minute, and counts every refusal', async () => {
      const before = metricValue(await metrics(), 'onec_exchange_refused_total{reason="AUTH_REQUIRED"}');
      const since = await lastLogId();
      const junk = 'j'.repeat(3_000);
      for (const source of ['127.0.0.7', '127.0.0.8']) {
        for (let call = 0; call < 10; call += 1) {
          const reply = await rawExchangeCall(harness, `type=catalog&mode=init&junk=${junk}&filename=${junk}`, {
            from: source,
          });
          expect(reply.text).toBe('failure\nAUTH_REQUIRED: No exchange session: call mode=checkauth first');
        }
      }
      const after = metricValue(await metrics(), 'onec_exchange_refused_total{reason="AUTH_REQUIRED"}');
      expect(after - before).toBe(20);
      const rows = await harness.db.query<LogRow[]>(
        `SELECT id, operation, url, response_body FROM integration_log WHERE system = 'onec' AND id > $1`,
        [since],
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.operation).toBe('exchange.catalog.init');
        expect(row.url).not.toContain('junk=');
        expect(row.url!.length).toBeLessThanOrEqual(1_024);
      }
    });
  });

  describe('finding 9: the sessid of the sale init reply', () => {
    it('is redacted in the IntegrationLog the admin API returns', async () => {
      const client = harness.client();
      const auth = await client.checkauth('sale');
      const sessid = auth.lines[3].slice('sessid='.length);
      const init = await client.init('sale', '2.08');
      expect(init.reply.lines).toContain(`sessid=${sessid}`);
      const page = await harness.adminGet<{ items: { operation: string; responseBody: string | null }[] }>(
        '/api/v1/admin/integration-log?system=onec&limit=200',
      );
      const logged = page.items.filter((item) => item.operation.startsWith('exchange.sale.'));
      expect(logged.map((item) => item.operation)).toEqual(
        expect.arrayContaining(['exchange.sale.checkauth', 'exchange.sale.init']),
      );
      expect(JSON.stringify(logged)).not.toContain(sessid);
      expect(logged.find((item) => item.operation === 'exchange.sale.init')?.responseBody).toContain(
        'sessid=[REDACTED]',
      );
    });
  });

  describe('finding 12: the exchange account and its sessions', () => {
    it('keeps server paths out of the replies to 1C and of the session failure', async () => {
      const client = harness.client();
      await client.checkauth('catalog');
      const { fileLimit } = await client.init('catalog');
      await client.upload('catalog', { name: 'import0_1.xml', data: readFileSync(CATALOG) }, fileLimit);
      const [session] = await harness.db.query<{ id: string }[]>(
        'SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1',
      );
      // The work area loses the file under the import: the file system's error names the path.
      await rm(join(harness.workDir, session.id, 'files', 'import0_1.xml'));
      const { reply } = await client.importUntilDone('catalog', 'import0_1.xml');
      const replies = client.transcript.filter((call) => call.mode === 'import').map((call) => call.text);
      // Two steps fail and will be retried, the third fails the session; each says why.
      expect(replies).toEqual([
        expect.stringMatching(/^progress\nimport0_1\.xml: an import step failed and will be retried \(Error: ENOENT/),
        expect.stringMatching(/^progress\nimport0_1\.xml: an import step failed and will be retried \(Error: ENOENT/),
        reply.text,
      ]);
      expect(reply.lines[1]).toMatch(/^IMPORT_FAILED: import0_1\.xml: 3 import steps in a row failed; .*ENOENT/);
      const sessions = await harness.adminGet<{ items: { id: string; failureReason: string | null }[] }>(
        '/api/v1/admin/exchange-sessions?limit=1',
      );
      expect(sessions.items[0].id).toBe(session.id);
      for (const text of [...replies, sessions.items[0].failureReason ?? '']) {
        expect(text).not.toContain(harness.workDir);
        expect(text).not.toContain(session.id);
      }
    });

    it('holds the session byte cap against parts uploaded in parallel', async () => {
      const client = harness.client({ sendSessid: false });
      await client.checkauth('catalog');
      await client.init('catalog');
      const [session] = await harness.db.query<{ id: string }[]>(
        'SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1',
      );
      const cookie = `MM1C_EXCHANGE=${client.sessionCookie}`;
      const parts = Array.from({ length: 8 }, (_, index) =>
        heldUpload(harness, cookie, `part${index}.xml`, FILE_LIMIT),
      );
      // Every part is inside the endpoint (its file row exists) or refused before any of them is complete.
      for (;;) {
        const names = new Set(
          (
            await harness.db.query<{ name: string }[]>('SELECT name FROM onec_exchange_files WHERE session_id = $1', [
              session.id,
            ])
          ).map((row) => row.name),
        );
        if (parts.every((part, index) => part.answered() || names.has(`part${index}.xml`))) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      parts.forEach((part) => part.release());
      const replies = await Promise.all(parts.map((part) => part.reply));
      const accepted = replies.filter((text) => text.startsWith('success')).length;
      expect(accepted * FILE_LIMIT).toBeLessThanOrEqual(MAX_SESSION_BYTES);
      const refused = replies.filter((text) => !text.startsWith('success'));
      expect(refused.some((text) => /^failure\nSESSION_TOO_LARGE: /.test(text))).toBe(true);
      // Parts that came after the refusal find the session failed by it.
      expect(refused.every((text) => /^failure\n(SESSION_TOO_LARGE|SESSION_FAILED): /.test(text))).toBe(true);
      const [row] = await harness.db.query<{ bytes_uploaded: string; state: string }[]>(
        'SELECT bytes_uploaded, state FROM onec_exchange_sessions WHERE id = $1',
        [session.id],
      );
      expect(row).toEqual({ bytes_uploaded: String(accepted * FILE_LIMIT), state: 'failed' });
    });

    it('wants the cookie or the sessid with Basic: Basic alone names no session', async () => {
      const first = harness.client();
      const firstAuth = await first.checkauth('catalog');
      const second = harness.client();
      const secondAuth = await second.checkauth('catalog');
      const credentials = basic(EXCHANGE_LOGIN, EXCHANGE_PASSWORD);

      const alone = await rawExchangeCall(harness, 'type=catalog&mode=init', { headers: credentials });
      expect(alone.text).toBe('failure\nAUTH_REQUIRED: Without the session cookie, send the sessid of mode=checkauth');
      const named = await rawExchangeCall(harness, `type=catalog&mode=init&${firstAuth.lines[3]}`, {
        headers: credentials,
      });
      expect(named.text).toMatch(/^zip=/);
      const sessions = await harness.db.query<{ sessid: string; initialized: boolean }[]>(
        'SELECT sessid, initialized FROM onec_exchange_sessions WHERE sessid = ANY($1)',
        [[firstAuth, secondAuth].map((auth) => auth.lines[3].slice('sessid='.length))],
      );
      expect(Object.fromEntries(sessions.map((row) => [`sessid=${row.sessid}`, row.initialized]))).toEqual({
        [firstAuth.lines[3]]: true,
        [secondAuth.lines[3]]: false,
      });
    });
  });
});
