import type { BatchCommand, CommandResult } from '../../libs/connectors/bitrix24/src/client/batch-result';
import { Bitrix24Client } from '../../libs/connectors/bitrix24/src/client/bitrix24-client';
import { Bitrix24Error } from '../../libs/connectors/bitrix24/src/client/bitrix24-error';
import { bitrix24FixtureJson, createTestEnvironment, TestEnvironment } from '@app/testing';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';
import { withWorkerOpsPort0 } from './bitrix24-harness';
import { ReplayPortal } from './replay-portal';

const fixture = (name: string): unknown => bitrix24FixtureJson(`responses-fast_bitrix24/${name}.json`);
const commands = (...names: string[]): Map<string, BatchCommand> =>
  new Map(names.map((name) => [name, { method: 'crm.item.get', params: { entityTypeId: 2, id: name } }]));
const failure = (outcome: CommandResult | undefined): Bitrix24Error => {
  if (!outcome || outcome.ok) {
    throw new Error(`expected a failed command, got ${JSON.stringify(outcome)}`);
  }
  return outcome.error;
};

/** Time blocks from b24phpsdk TimeTest / ApiLevelErrorHandlerTest (recorded portal answers). */
const TIME_WITH_RESET = {
  start: 1705764932.998683,
  finish: 1705764937.173995,
  duration: 4.175312042236328,
  processing: 3.3076529502868652,
  date_start: '2024-01-20T18:35:32+03:00',
  date_finish: '2024-01-20T18:35:37+03:00',
  operating_reset_at: 1705765533,
  operating: 3.307624101638794,
};
const TIME_WITHOUT_RESET = {
  start: 1604098405.469694,
  finish: 1604098405.50439,
  duration: 0.034696102142333984,
  processing: 6.198883056640625e-5,
  operating: 0.11336898803710938,
  operating_reset_at: null,
  date_start: '2020-10-31T01:53:25+03:00',
  date_finish: '2020-10-31T01:53:26+03:00',
};

describe('Bitrix24 client against recorded portal answers', () => {
  let env: TestEnvironment;
  let portal: ReplayPortal;
  let worker: RunningWorker;
  let client: Bitrix24Client;

  beforeAll(async () => {
    portal = await ReplayPortal.start();
    env = await createTestEnvironment({
      env: {
        BITRIX24_WEBHOOK_URL: portal.webhookUrl,
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_OPERATING_LIMIT_SECONDS: '10',
        BITRIX24_REQUEST_TIMEOUT_MS: '2000',
      },
    });
    worker = await startWorker(withWorkerOpsPort0(env.config()));
    client = worker.app.get(Bitrix24Client);
  });
  afterEach(() => portal.reset());
  afterAll(async () => {
    await worker?.close();
    await portal?.stop();
    await env?.dispose();
  });

  describe('batch', () => {
    it('ok: a result per command, time with operating_reset_at', async () => {
      portal.answer({ body: fixture('crm_contact_add_batch') });
      const results = await client.batch(
        new Map([['order0000000000', { method: 'crm.contact.add', params: { fields: { NAME: 'x' } } }]]),
        { write: true },
      );
      expect(results.get('order0000000000')).toMatchObject({
        ok: true,
        result: 58943,
        time: { operating_reset_at: 1729697289 },
      });
      // Sent as one POST to <webhook>/batch with string-keyed commands, halt=0.
      expect(portal.seen).toHaveLength(1);
      expect(portal.seen[0].path).toBe('/rest/1/replaysecret/batch');
      expect(portal.seen[0].body).toMatchObject({
        halt: 0,
        cmd: { order0000000000: 'crm.contact.add?fields%5BNAME%5D=x' },
      });
    });

    it('crm.item.add inside a batch: the item, and a time block without operating fields', async () => {
      portal.answer({ body: fixture('crm_item_add') });
      const results = await client.batch(
        new Map([
          ['order0000000000', { method: 'crm.item.add', params: { entityTypeId: 133, fields: { title: 'x' } } }],
        ]),
        { write: true },
      );
      expect(results.get('order0000000000')).toMatchObject({
        ok: true,
        result: { item: { id: 247, entityTypeId: 133 } },
      });
    });

    it('mixed: successes keyed, an un-keyed error list attributed to the failed commands in order', async () => {
      portal.answer({ body: fixture('crm_get_batch_mix_success_and_errors') });
      const results = await client.batch(commands('35943', 'bad_id', 'missing'), { write: false });
      expect(results.get('35943')).toMatchObject({ ok: true, result: { ID: '35943' } });
      expect(failure(results.get('bad_id'))).toMatchObject({
        category: 'permanent',
        code: 'BITRIX24_VALIDATION',
        bitrixCode: '',
      });
      expect(failure(results.get('missing'))).toMatchObject({
        category: 'permanent',
        code: 'BITRIX24_NOT_FOUND',
        kind: 'permanent',
      });
    });

    it('all errors: `result: []` and two un-keyed errors', async () => {
      portal.answer({ body: fixture('crm_get_batch_of_two_error') });
      const results = await client.batch(commands('a', 'b'), { write: false });
      expect([...results.values()].map((outcome) => outcome.ok)).toEqual([false, false]);
      expect(failure(results.get('b')).message).toContain('Not found');
    });

    it('errors that cannot be attributed: every failed command gets all of them, never a lost failure', async () => {
      portal.answer({ body: fixture('crm_lead_get_batch_error') });
      const results = await client.batch(commands('a', 'b'), { write: false });
      expect(failure(results.get('a')).message).toContain('ID is not defined or invalid');
      expect(failure(results.get('b')).message).toContain('ID is not defined or invalid');
    });

    it('empty: `[]` for empty sections, an empty list result with total 0', async () => {
      portal.answer({ body: fixture('batch_list_empty') });
      const results = await client.batch(new Map([['order0000000000', { method: 'crm.deal.list', params: {} }]]), {
        write: false,
      });
      expect(results.get('order0000000000')).toMatchObject({ ok: true, result: [], total: 0 });
    });

    it('OPERATION_TIME_LIMIT keyed by command: that command is rate-limited and its method paused', async () => {
      portal.answer({
        body: {
          result: {
            result: [],
            result_error: {
              '592dcd1e-cd14-410f-bab5-76b3ede717dd': {
                error: 'OPERATION_TIME_LIMIT',
                error_description: 'Method is blocked due to operation time limit.',
              },
            },
          },
        },
      });
      const results = await client.batch(
        new Map([['592dcd1e-cd14-410f-bab5-76b3ede717dd', { method: 'crm.deal.update', params: {} }]]),
        { write: true },
      );
      const error = failure(results.get('592dcd1e-cd14-410f-bab5-76b3ede717dd'));
      expect(error).toMatchObject({ category: 'rate_limited', kind: 'rate_limited' });
      await expect(client.call('crm.deal.update', {}, { write: true })).rejects.toMatchObject({
        code: 'BITRIX24_OPERATION_TIME_LIMIT',
        outcome: 'not_sent',
      });
      expect(portal.seen).toHaveLength(1);
    });

    it('a 429 pauses the method once: calls refused during the pause do not push its end forward', async () => {
      portal.answer({
        status: 429,
        body: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' },
      });
      const first = (await client.call('crm.contact.update', {}, { write: true }).catch((error: unknown) => error)) as {
        retryAt: Date;
      };
      expect(first).toMatchObject({ code: 'BITRIX24_OPERATION_TIME_LIMIT', kind: 'rate_limited' });
      // No reset known for the method: paused for a minute from the 429.
      expect(first.retryAt.getTime()).toBeGreaterThan(Date.now());
      for (let refused = 0; refused < 3; refused++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await expect(client.call('crm.contact.update', {}, { write: true })).rejects.toMatchObject({
          code: 'BITRIX24_OPERATION_TIME_LIMIT',
          outcome: 'not_sent',
          retryAt: first.retryAt,
        });
      }
      expect(portal.seen).toHaveLength(1);
    });
  });

  describe('single calls and lists', () => {
    it('crm.item.list: items, total and the time block', async () => {
      portal.answer({ body: fixture('crm_item_list') });
      const answer = await client.call<{ items: unknown[] }>('crm.item.list', { entityTypeId: 11 }, { write: false });
      expect(answer.result.items).toHaveLength(3);
      expect(answer.total).toBe(3);
    });

    it('paging: `next` and `total` of an offset page', async () => {
      const [firstPage] = fixture('get_all_tasks') as unknown[];
      portal.answer({ body: firstPage });
      const answer = await client.call<{ tasks: unknown[] }>('tasks.task.list', {}, { write: false });
      expect(answer).toMatchObject({ next: 50, total: 1570 });
      expect(answer.result.tasks).toHaveLength(50);
    });

    it('keyset listing: order ID ASC, filter >ID, start=-1, until a short page', async () => {
      const page = (from: number, count: number) => ({
        body: {
          result: { items: Array.from({ length: count }, (_, index) => ({ id: from + index })) },
          time: TIME_WITHOUT_RESET,
        },
      });
      portal.answer(page(1, 50), page(51, 7));
      const pages: number[][] = [];
      for await (const rows of client.listAll<{ id: number }>(
        'crm.item.list',
        { entityTypeId: 2, filter: { '>opportunity': 5 } },
        { idField: 'id', itemsKey: 'items' },
      )) {
        pages.push(rows.map((row) => row.id));
      }
      expect(pages.map((rows) => rows.length)).toEqual([50, 7]);
      expect(portal.seen.map((request) => request.body)).toEqual([
        { entityTypeId: 2, filter: { '>opportunity': 5, '>id': 0 }, order: { id: 'ASC' }, start: -1 },
        { entityTypeId: 2, filter: { '>opportunity': 5, '>id': 50 }, order: { id: 'ASC' }, start: -1 },
      ]);
    });

    it('time blocks with and without operating_reset_at; near the budget the method pauses until the reset', async () => {
      portal.answer({ body: { result: 1, time: TIME_WITHOUT_RESET } });
      await expect(client.call('user.get', {}, { write: false })).resolves.toMatchObject({ result: 1 });
      const resetAt = Math.floor(Date.now() / 1000) + 120;
      portal.answer({
        body: { result: 3465, time: { ...TIME_WITH_RESET, operating: 9.5, operating_reset_at: resetAt } },
      });
      await expect(client.call('crm.item.update', {}, { write: true })).resolves.toMatchObject({ result: 3465 });
      const paused = await client.call('crm.item.update', {}, { write: true }).catch((error: unknown) => error);
      expect(paused).toMatchObject({
        code: 'BITRIX24_OPERATION_TIME_LIMIT',
        kind: 'rate_limited',
        retryAt: new Date(resetAt * 1000),
      });
      expect(portal.seen).toHaveLength(2);
    });
  });

  describe('error bodies', () => {
    const cases: Array<[string, number, unknown, Record<string, unknown>]> = [
      [
        'PAYMENT_REQUIRED',
        402,
        { error: 'PAYMENT_REQUIRED', error_description: 'Subscription has been ended' },
        { category: 'permanent', code: 'BITRIX24_PAYMENT_REQUIRED' },
      ],
      [
        'wrong_client',
        401,
        { error: 'wrong_client' },
        { category: 'auth', code: 'BITRIX24_WRONG_CLIENT', kind: 'unavailable' },
      ],
      [
        'ACCESS_DENIED',
        403,
        { error: 'ACCESS_DENIED', error_description: 'REST is available only on commercial plans' },
        { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED' },
      ],
      [
        'empty code, "Not found"',
        400,
        { error: '', error_description: 'Not found' },
        { category: 'permanent', code: 'BITRIX24_NOT_FOUND' },
      ],
      [
        'numeric catalog code',
        400,
        { error: 200040300010, error_description: 'Access Denied' },
        { category: 'permanent', code: 'BITRIX24_ACCESS_DENIED', bitrixCode: 200040300010 },
      ],
      [
        'validation',
        400,
        { error: 'CRM_FIELD_ERROR_VALUE_NOT_VALID', error_description: 'Invalid value of the field "stageId"' },
        { category: 'permanent', code: 'BITRIX24_VALIDATION' },
      ],
      [
        'expired_token on a webhook',
        401,
        { error: 'expired_token', error_description: 'The access token provided has expired.' },
        { category: 'auth', kind: 'unavailable' },
      ],
      [
        'invalid_token',
        401,
        { error: 'invalid_token', error_description: 'The access token provided is invalid.' },
        { category: 'auth', code: 'BITRIX24_INVALID_TOKEN' },
      ],
      [
        'REST 3.0 validation',
        400,
        {
          error: {
            code: 'BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION',
            message: 'Required field `id` is not specified',
            validation: [{ field: 'id' }],
          },
        },
        { category: 'permanent', code: 'BITRIX24_VALIDATION' },
      ],
    ];

    it.each(cases)('%s', async (_name, status, body, expected) => {
      portal.answer({ status, body });
      await expect(client.call('crm.item.get', {}, { write: true })).rejects.toMatchObject({
        ...expected,
        outcome: 'rejected',
      });
      expect(portal.seen).toHaveLength(1);
    });

    it('503 QUERY_LIMIT_EXCEEDED is backed off and retried, even for a write (it never ran)', async () => {
      portal.answer(
        { status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } },
        { body: { result: { item: { id: 1 } } } },
      );
      await expect(client.call('crm.item.add', {}, { write: true })).resolves.toMatchObject({
        result: { item: { id: 1 } },
      });
      expect(portal.seen).toHaveLength(2);
    });

    it('an HTML page where JSON was expected: transient, outcome unknown, a write is not re-sent', async () => {
      portal.answer({
        status: 502,
        raw: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        contentType: 'text/html',
        body: null,
      });
      await expect(client.call('crm.item.add', {}, { write: true })).rejects.toMatchObject({
        category: 'transient',
        outcome: 'unknown',
        kind: 'transient',
      });
      expect(portal.seen).toHaveLength(1);
    });

    it('a 500 on a read is retried', async () => {
      portal.answer(
        { status: 500, body: { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' } },
        { body: { result: { item: { id: 2 } } } },
      );
      await expect(client.call('crm.item.get', {}, { write: false })).resolves.toMatchObject({
        result: { item: { id: 2 } },
      });
      expect(portal.seen).toHaveLength(2);
    });

    it('a REST 3.0 call with an Idempotency-Key carries the header and may be repeated after an unknown outcome', async () => {
      portal.answer(
        { status: 500, body: { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' } },
        { body: { result: { item: { id: 3839 } } } },
      );
      const answer = await client.call(
        'tasks.task.add',
        { fields: { title: 'T' } },
        { write: true, idempotencyKey: 'delivery-42-task' },
      );
      expect(answer.result).toEqual({ item: { id: 3839 } });
      expect(portal.seen.map((request) => request.headers['idempotency-key'])).toEqual([
        'delivery-42-task',
        'delivery-42-task',
      ]);
    });

    it('a 200 with an HTML body is not a success', async () => {
      portal.answer({ status: 200, raw: '<html>maintenance</html>', contentType: 'text/html', body: null });
      await expect(client.call('crm.item.add', {}, { write: true })).rejects.toMatchObject({
        code: 'BITRIX24_SERVER_ERROR',
        outcome: 'unknown',
      });
    });
  });
});
