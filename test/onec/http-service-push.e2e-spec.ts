import { randomUUID } from 'node:crypto';
import { AppConfig, UnitOfWork } from '@app/core';
import { CloudEvent, EventPublisher } from '@app/events';
import {
  createTestEnvironment,
  FakeOnecHttpService,
  listen,
  RunningHttpApp,
  TestEnvironment,
  tokenFor,
  waitFor,
} from '@app/testing';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';
import { ConsumerRegistry } from '../../libs/events/src/consumers/consumer-registry';

const TYPE = 'mastermobile.instant_order.confirmed.v1';

describe("pushes to 1C's HTTP service (API and worker in process, fake 1C HTTP service)", () => {
  let env: TestEnvironment;
  let config: AppConfig;
  let fake: FakeOnecHttpService;
  let worker: RunningWorker;
  let api: RunningHttpApp;
  let db: DataSource;

  const publish = async (subject: string, data: Record<string, unknown> = {}): Promise<CloudEvent> => {
    const [event] = await worker.app
      .get(UnitOfWork)
      .run(() =>
        worker.app
          .get(EventPublisher)
          .publish([{ destination: 'onec', type: TYPE, subject, data: { orderId: subject, ...data } }]),
      );
    return event;
  };
  const outboxStatus = async (id: string) =>
    (await db.query<{ status: string }[]>('SELECT status FROM outbox_events WHERE id = $1', [id]))[0]?.status;
  const delivered = (id: string) =>
    waitFor(async () => (await outboxStatus(id)) === 'delivered', { what: `delivery of ${id}`, timeoutMs: 20_000 });
  const receivedFor = (id: string) => fake.received.filter((push) => push.idempotencyKey === id);

  beforeAll(async () => {
    fake = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
    env = await createTestEnvironment();
    config = env.config({
      ONEC_HTTP_BASE_URL: fake.url,
      ONEC_HTTP_LOGIN: 'middleware',
      ONEC_HTTP_PASSWORD: 'hs-password',
      ONEC_HTTP_TIMEOUT_MS: '1000',
      ONEC_HTTP_BREAKER_FAILURES: '3',
      ONEC_HTTP_BREAKER_HALF_OPEN_AFTER_MS: '1500',
      EVENTS_BACKOFF_BASE_MS: '50',
      EVENTS_BACKOFF_MAX_MS: '200',
      EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      EVENTS_MAX_ATTEMPTS: '4',
    });
    api = await listen(await createApiApplication(config));
    db = api.app.get(DataSource);
    worker = await startWorker({ ...config, worker: { ...config.worker, opsPort: 0 } } as AppConfig);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await env?.dispose();
    await fake?.stop();
  });

  it('hosts a consumer for the onec destination', () => {
    expect(worker.app.get(ConsumerRegistry).destinations).toContain('onec');
  });

  it('pushes the event as JSON with basic auth, the event id as Idempotency-Key, and logs the call', async () => {
    const event = await publish(`order-${randomUUID()}`, { number1c: 'СА-0001' });
    await delivered(event.id);
    const [push] = receivedFor(event.id);
    expect(push.status).toBe(200);
    expect(push.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': event.id,
      authorization: `Basic ${Buffer.from('middleware:hs-password').toString('base64')}`,
    });
    expect(push.headers['x-request-id']).toBeTruthy();
    expect(push.body).toEqual({
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: TYPE,
      subject: event.subject,
      time: event.time,
      datacontenttype: 'application/json',
      data: { orderId: event.subject, number1c: 'СА-0001' },
      ...(event.requestid ? { requestid: event.requestid } : {}),
    });
    const log = await db.query<{ outcome: string; http_status: number; request_body: string; url: string }[]>(
      `SELECT outcome, http_status, request_body, url FROM integration_log
        WHERE system = 'onec' AND direction = 'outbound' AND entity_id = $1`,
      [event.id],
    );
    expect(log).toEqual([
      {
        outcome: 'success',
        http_status: 200,
        request_body: expect.stringContaining(event.id),
        url: `${fake.url}/events`,
      },
    ]);
  });

  it('retries 5xx and timeouts, waits as told on 429, and 1C receives the push once', async () => {
    fake.inject({ kind: 'status', status: 500 });
    fake.inject({ kind: 'hang' });
    fake.inject({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const event = await publish(`order-${randomUUID()}`);
    await delivered(event.id);
    expect(receivedFor(event.id).map((push) => push.status)).toEqual([500, 0, 429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.pushes.filter((push) => (push as { id: string }).id === event.id)).toHaveLength(1);
    const errors = await db.query<{ error_code: string | null }[]>(
      `SELECT error_code FROM integration_log WHERE system = 'onec' AND entity_id = $1 ORDER BY id`,
      [event.id],
    );
    expect(errors.map((row) => row.error_code)).toEqual([
      'ONEC_HTTP_500',
      'ONEC_HTTP_TIMEOUT',
      'ONEC_RATE_LIMITED',
      null,
    ]);
  });

  it('dead-letters a push 1C refuses for good, with its answer', async () => {
    fake.inject({ kind: 'status', status: 422, body: '{"error":"unknown order"}' });
    const event = await publish(`order-${randomUUID()}`);
    const [letter] = await waitFor(
      async () => {
        const rows = await db.query<{ error_code: string; http_status: number; response_excerpt: string }[]>(
          'SELECT error_code, http_status, response_excerpt FROM dead_letters WHERE event_id = $1',
          [event.id],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'a dead letter' },
    );
    expect(letter).toEqual({
      error_code: 'ONEC_HTTP_422',
      http_status: 422,
      response_excerpt: '{"error":"unknown order"}',
    });
    expect(receivedFor(event.id)).toHaveLength(1);
  });

  it('opens the circuit after consecutive failures, shows it in the connector status, and recovers', async () => {
    fake.inject({ kind: 'status', status: 503 }, 3);
    const event = await publish(`order-${randomUUID()}`);
    const admin = { authorization: `Bearer ${tokenFor(config, 'admin')}` };
    const status = async () => {
      const body = (await (await fetch(`${api.url}/api/v1/admin/connectors`, { headers: admin })).json()) as {
        connectors: { name: string; state: string }[];
      };
      return body.connectors.find((connector) => connector.name === 'onec')?.state;
    };
    await waitFor(async () => (await status()) === 'circuit_open', { what: 'an open circuit', timeoutMs: 10_000 });
    await delivered(event.id);
    // While open, the push waited without calling 1C: three refusals, then one trial that passed.
    expect(receivedFor(event.id).map((push) => push.status)).toEqual([503, 503, 503, 200]);
    await waitFor(async () => (await status()) === 'ok', { what: 'a closed circuit', timeoutMs: 15_000 });
  });
});

describe('without ONEC_HTTP_BASE_URL', () => {
  let env: TestEnvironment;
  let worker: RunningWorker;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const config = env.config();
    worker = await startWorker({ ...config, worker: { ...config.worker, opsPort: 0 } } as AppConfig);
  });
  afterAll(async () => {
    await worker?.close();
    await env?.dispose();
  });

  it('hosts no onec consumer, so the events stay in the pull feed', async () => {
    expect(worker.app.get(ConsumerRegistry).destinations).not.toContain('onec');
    const [event] = await worker.app
      .get(UnitOfWork)
      .run(() =>
        worker.app.get(EventPublisher).publish([{ destination: 'onec', type: TYPE, subject: 'order-pull', data: {} }]),
      );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [row] = await worker.app
      .get(DataSource)
      .query<{ status: string }[]>('SELECT status FROM outbox_events WHERE id = $1', [event.id]);
    expect(row.status).toBe('pending');
  });
});
