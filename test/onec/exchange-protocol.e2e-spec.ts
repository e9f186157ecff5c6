import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onecFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { ExchangeJanitor, PurgeExchangeSessionsJob } from '@app/onec';
import {
  basic,
  EXCHANGE_LOGIN,
  EXCHANGE_PASSWORD,
  OnecHarness,
  rawExchangeCall,
  startOnecHarness,
} from './onec-harness';

const CATALOG = onecFixture('ok/ut11-catalog-deleted-product/import0_1.xml');

/** A GET as the test writes it, from the API's own address. */
const raw = (harness: OnecHarness, query: string, headers: Record<string, string> = {}) =>
  rawExchangeCall(harness, query, { headers });

describe('the exchange protocol, as 1C-Bitrix speaks it', () => {
  let harness: OnecHarness;

  beforeAll(async () => {
    harness = await startOnecHarness({
      ONEC_EXCHANGE_FILE_LIMIT: '204800',
    });
  });
  afterAll(async () => harness?.close());

  it('checkauth answers success, the cookie name and value, sessid and timestamp, and sets the cookie', async () => {
    const reply = await raw(harness, 'type=catalog&mode=checkauth', basic(EXCHANGE_LOGIN, EXCHANGE_PASSWORD));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/plain; charset=windows-1251');
    const lines = reply.text.split('\n');
    expect(lines).toEqual([
      'success',
      'MM1C_EXCHANGE',
      expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expect.stringMatching(/^sessid=[0-9a-f]{32}$/),
      expect.stringMatching(/^timestamp=\d{10}$/),
    ]);
    expect(reply.headers.get('set-cookie')).toBe(`MM1C_EXCHANGE=${lines[2]}; Path=/; HttpOnly; SameSite=Lax`);
    const sale = await raw(harness, 'type=sale&mode=checkauth', basic(EXCHANGE_LOGIN, EXCHANGE_PASSWORD));
    expect(sale.text.split('\n')).toHaveLength(4);
  });

  it('init answers zip and file_limit exactly, on both paths', async () => {
    for (const path of ['/bitrix/admin/1c_exchange.php', '/api/v1/exchange/1c']) {
      const client = harness.client({ path });
      await client.checkauth('catalog');
      const init = await client.init('catalog', '2.08');
      expect(init.reply.text).toBe('zip=yes\nfile_limit=204800');
    }
  });

  it('refuses wrong credentials with failure (the security log line is checked on a real process)', async () => {
    const reply = await raw(harness, 'type=catalog&mode=checkauth', basic(EXCHANGE_LOGIN, 'wrong-password'));
    expect(reply.text).toBe('failure\nAUTH_FAILED: Wrong exchange login or password');
  });

  it('wants a session: no cookie and no credentials is a failure', async () => {
    const reply = await raw(harness, 'type=catalog&mode=init');
    expect(reply.text).toBe('failure\nAUTH_REQUIRED: No exchange session: call mode=checkauth first');
  });

  it('accepts Basic instead of the cookie on later calls (a proxy that drops the cookie)', async () => {
    const client = harness.client({ dropCookie: true, basicOnEveryCall: true });
    const result = await client.runCatalogExchange({ files: [{ name: 'import0_1.xml', path: CATALOG }] });
    expect(result.failure).toBeUndefined();
    expect(result.finalReplies['import0_1.xml']).toMatch(/^success\nimport0_1\.xml: 51 records imported/);
  });

  it('refuses a wrong sessid, and a missing one once the session has seen it', async () => {
    const client = harness.client();
    const auth = await client.checkauth('catalog');
    const cookie = { cookie: `${auth.lines[1]}=${auth.lines[2]}` };
    const wrong = await raw(harness, 'type=catalog&mode=init&sessid=0000', cookie);
    expect(wrong.text).toBe('failure\nSESSID_MISMATCH: The sessid parameter does not match the exchange session');
    const without = await raw(harness, 'type=catalog&mode=init', cookie);
    expect(without.text.startsWith('zip=')).toBe(true);
    const sessid = auth.lines[3];
    expect((await raw(harness, `type=catalog&mode=init&${sessid}`, cookie)).text.startsWith('zip=')).toBe(true);
    expect((await raw(harness, 'type=catalog&mode=init', cookie)).text).toMatch(/^failure\nSESSID_MISMATCH/);
  });

  it('refuses a session of the other type and an expired session', async () => {
    const client = harness.client();
    await client.checkauth('catalog');
    expect((await client.call('sale', 'query', {})).text).toMatch(/^failure\nWRONG_EXCHANGE_TYPE: /);
    await harness.db.query(`UPDATE onec_exchange_sessions SET expires_at = now() - interval '1 second'`);
    expect((await client.call('catalog', 'init', {})).text).toBe(
      'failure\nSESSION_EXPIRED: The exchange session has ended: call mode=checkauth again',
    );
  });

  it('answers success to modes it does not use, and failure to unknown types', async () => {
    const client = harness.client();
    await client.checkauth('sale');
    expect((await client.call('sale', 'info', {})).text).toBe('success\nmode=info is not used by this site');
    expect((await raw(harness, 'type=get_catalog&mode=init')).text).toBe(
      'failure\nUNKNOWN_TYPE: type=get_catalog is not supported; use catalog or sale',
    );
  });

  it('appends parts, cuts away a part that broke off half-way, and starts over on init', async () => {
    const client = harness.client({ sendSessid: false });
    await client.checkauth('catalog');
    await client.init('catalog');
    const data = readFileSync(CATALOG);
    const sessionId = (
      await harness.db.query<{ id: string }[]>('SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1')
    )[0].id;
    const path = join(harness.workDir, sessionId, 'files', 'import0_1.xml');

    expect(
      (await client.call('catalog', 'file', { filename: 'import0_1.xml' }, { body: data.subarray(0, 100_000) }))
        .lines[0],
    ).toBe('success');
    // The next part dies after a few bytes: the connection is cut mid-body.
    const controller = new AbortController();
    const broken = fetch(
      `${harness.api.url}/bitrix/admin/1c_exchange.php?type=catalog&mode=file&filename=import0_1.xml`,
      {
        method: 'POST',
        headers: { cookie: `MM1C_EXCHANGE=${client.sessionCookie}`, 'content-length': '64805' },
        body: new ReadableStream({
          start(stream) {
            stream.enqueue(new Uint8Array(data.subarray(100_000, 130_000)));
            setTimeout(() => controller.abort(), 100);
          },
        }),
        signal: controller.signal,
        duplex: 'half',
      },
    );
    await expect(broken).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (await client.call('catalog', 'file', { filename: 'import0_1.xml' }, { body: data.subarray(100_000) })).lines[0],
    ).toBe('success');
    expect(readFileSync(path).equals(data)).toBe(true);
    const { reply } = await client.importUntilDone('catalog', 'import0_1.xml');
    expect(reply.lines[0]).toBe('success');

    await client.init('catalog');
    expect(existsSync(path)).toBe(false);
    expect((await client.call('catalog', 'import', { filename: 'import0_1.xml' })).lines[1]).toMatch(
      /^FILE_NOT_UPLOADED/,
    );
  });

  it('stores images under import_files/, and logs each call in the IntegrationLog without secrets', async () => {
    const client = harness.client();
    const image = { name: 'import_files/bd/bd8c4e15_1.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) };
    const result = await client.runCatalogExchange({
      files: [{ name: 'import0_1.xml', path: CATALOG }],
      images: [image],
      zip: 'never',
    });
    expect(result.failure).toBeUndefined();
    const [session] = await harness.db.query<{ id: string; images_stored: number }[]>(
      'SELECT id, images_stored FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1',
    );
    expect(session.images_stored).toBe(1);
    expect(readFileSync(join(harness.workDir, session.id, 'files', image.name)).equals(image.data)).toBe(true);

    const log = await harness.db.query<{ operation: string; url: string; response_body: string; outcome: string }[]>(
      `SELECT operation, url, response_body, outcome FROM integration_log
        WHERE system = 'onec' AND entity_id = $1 ORDER BY id`,
      [session.id],
    );
    expect(log.map((row) => row.operation)).toEqual([
      'exchange.catalog.checkauth',
      'exchange.catalog.init',
      'exchange.catalog.file',
      'exchange.catalog.file',
      'exchange.catalog.import',
    ]);
    expect(log[0].response_body).toMatch(/^success\nMM1C_EXCHANGE\n\[REDACTED\]\nsessid=\[REDACTED\]\ntimestamp=\d+$/);
    expect(log[1].url).toContain('sessid=%5BREDACTED%5D');
    expect(log.every((row) => row.outcome === 'success')).toBe(true);
  });

  it('ends idle sessions, cleans their work area (in the worker), and forgets them after 30 days', async () => {
    const client = harness.client();
    await client.runCatalogExchange({ files: [{ name: 'import0_1.xml', path: CATALOG }] });
    const [done] = await harness.db.query<{ id: string }[]>(
      'SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1',
    );
    const stalled = harness.client();
    await stalled.checkauth('catalog');
    const { fileLimit } = await stalled.init('catalog');
    await stalled.upload('catalog', { name: 'import0_1.xml', path: CATALOG }, fileLimit);
    const [waiting] = await harness.db.query<{ id: string }[]>(
      'SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1',
    );
    await harness.db.query(
      `UPDATE onec_exchange_sessions SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`,
      [[done.id, waiting.id]],
    );
    // The worker also runs these jobs on its own schedule; the explicit runs below make the test not wait for it.
    const worker = await harness.startWorker();
    try {
      const janitor = worker.app.get(ExchangeJanitor);
      const signal = new AbortController().signal;
      await janitor.run(signal);
      const states = await harness.db.query<{ id: string; state: string }[]>(
        'SELECT id, state FROM onec_exchange_sessions WHERE id = ANY($1)',
        [[done.id, waiting.id]],
      );
      expect(Object.fromEntries(states.map((row) => [row.id, row.state]))).toEqual({
        [done.id]: 'completed',
        [waiting.id]: 'expired',
      });
      await harness.db.query(
        `UPDATE onec_exchange_sessions SET finished_at = now() - interval '2 hours' WHERE id = ANY($1)`,
        [[done.id, waiting.id]],
      );
      await janitor.run(signal);
      expect(existsSync(join(harness.workDir, waiting.id))).toBe(false);
      expect(existsSync(join(harness.workDir, done.id))).toBe(false);

      await harness.db.query(
        `UPDATE onec_exchange_sessions SET finished_at = now() - interval '31 days' WHERE id = $1`,
        [done.id],
      );
      await worker.app.get(PurgeExchangeSessionsJob).run(signal);
      const left = await harness.db.query<{ id: string }[]>(
        'SELECT id FROM onec_exchange_sessions WHERE id = ANY($1)',
        [[done.id, waiting.id]],
      );
      expect(left).toEqual([{ id: waiting.id }]);
    } finally {
      await worker.close();
    }
  });

  it('reports itself in the connector status and in metrics', async () => {
    const connectors = await harness.adminGet<{ connectors: { name: string; state: string; details: unknown }[] }>(
      '/api/v1/admin/connectors',
    );
    const onec = connectors.connectors.find((connector) => connector.name === 'onec');
    expect(onec).toMatchObject({
      configured: true,
      details: { delivery: 'pull', exchange: { configured: true }, http: { configured: false } },
    });
    const metrics = await (await fetch(`${harness.api.url}/metrics`)).text();
    expect(metrics).toMatch(/onec_exchange_sessions\{state="completed"\} \d+/);
    expect(metrics).toMatch(/onec_exchange_uploaded_bytes_total\{type="catalog"\} \d+/);
    expect(metrics).toMatch(/onec_exchange_records_imported_total\{type="catalog",kind="product"\} \d+/);
    expect(metrics).toMatch(/onec_exchange_import_slice_seconds_count\{type="catalog",outcome="success"\} \d+/);
    expect(metrics).toMatch(/onec_exchange_auth_failures_total\{reason="bad_credentials"\} \d+/);
  });
});

describe('the exchange without an exchange account', () => {
  let harness: OnecHarness;

  beforeAll(async () => {
    harness = await startOnecHarness({ ONEC_EXCHANGE_LOGIN: '', ONEC_EXCHANGE_PASSWORD: '' });
  });
  afterAll(async () => harness?.close());

  it('answers failure, and the connector reports itself unconfigured', async () => {
    const reply = await raw(harness, 'type=catalog&mode=checkauth', basic('a', 'b'));
    expect(reply.text).toMatch(/^failure\nNOT_CONFIGURED: /);
    const connectors = await harness.adminGet<{ connectors: { name: string; state: string }[] }>(
      '/api/v1/admin/connectors',
    );
    expect(connectors.connectors.find((connector) => connector.name === 'onec')?.state).toBe('unconfigured');
  });
});
