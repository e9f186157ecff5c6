import { randomBytes } from 'node:crypto';
import {
  AppProcess,
  createTestEnvironment,
  encodeEventBody,
  FakeBitrix24,
  startApiProcess,
  TestEnvironment,
  waitFor,
} from '@app/testing';
import { DELIVERY_TYPE, FAKE_SMART_PROCESSES, webhookEnv } from '../bitrix24/bitrix24-harness';

/**
 * One correlation id and one trace across real processes, as production runs them (OpenTelemetry loaded first; the
 * worker registers the tests' entity kinds, as a domain lib would): a Bitrix24 event posted to the API → inbox →
 * outbox → worker job → the REST call that re-reads the entity.
 */
describe('X-Request-Id and W3C trace context from an incoming request to an outbound call', () => {
  let fake: FakeBitrix24;
  let env: TestEnvironment;
  const processes: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(processes.map((app) => app.stop()));
    await fake?.stop();
    await env?.dispose();
  });

  it('reaches the worker and the Bitrix24 call, and every log line of the request', async () => {
    fake = await FakeBitrix24.start({ smartProcesses: FAKE_SMART_PROCESSES });
    const item = fake.uiAddItem(DELIVERY_TYPE, { title: 'Parcel' });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    env = await createTestEnvironment({
      env: webhookEnv(fake, { BITRIX24_APPLICATION_TOKEN: hook.applicationToken, BITRIX24_RECONCILE_INTERVAL_MS: '0' }),
    });
    const worker = AppProcess.start('testWorker', env.env, { telemetry: true });
    processes.push(worker);
    const { app: api, url } = await startApiProcess(env.env, { telemetry: true });
    processes.push(api);
    await worker.waitForOutput(/Test worker \d+ started/);

    const traceId = randomBytes(16).toString('hex');
    const requestId = `corr-${randomBytes(4).toString('hex')}`;
    const body = encodeEventBody({
      event: 'ONCRMDYNAMICITEMUPDATE',
      event_handler_id: hook.id,
      data: { FIELDS: { ID: String(item.id), ENTITY_TYPE_ID: String(DELIVERY_TYPE) } },
      ts: Math.floor(Date.now() / 1000),
      auth: {
        domain: fake.oauth.domain,
        client_endpoint: `${fake.baseUrl}/rest/`,
        member_id: fake.oauth.memberId,
        application_token: hook.applicationToken,
      },
    });
    const response = await fetch(`${url}/api/v1/webhooks/bitrix24`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': requestId,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const reRead = await waitFor(
      () => Promise.resolve(fake.requests.find((request) => request.requestId === requestId)),
      { what: 'the worker to re-read the entity with the request id' },
    );
    expect(reRead.method).toMatch(/^crm\.item\./);
    expect(reRead.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));

    // The access line: written asynchronously, and through a logger of its own (no redaction paths), yet with the
    // request's ids as every other line.
    const [accessLine] = await api.waitForOutput(
      new RegExp(`^(?=.*"requestId":"${requestId}")(?=.*"msg":"request completed").*$`, 'm'),
    );
    expect(JSON.parse(accessLine)).toMatchObject({
      level: 30,
      msg: 'request completed',
      method: 'POST',
      route: '/api/v1/webhooks/bitrix24',
      path: '/api/v1/webhooks/bitrix24',
      statusCode: 200,
      requestId,
      traceId,
    });
    const apiLines = api.logs.split('\n').filter((line) => line.includes(`"requestId":"${requestId}"`));
    expect(apiLines.length).toBeGreaterThan(0);
    expect(apiLines.every((line) => line.includes(`"traceId":"${traceId}"`))).toBe(true);
  });
});
