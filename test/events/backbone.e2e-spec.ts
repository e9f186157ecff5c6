import { randomUUID } from 'node:crypto';
import { AppConfig, UnitOfWork } from '@app/core';
import { EventPublisher, InboxService } from '@app/events';
import { RunningHttpApp, TEST_CONSUMER_DDL, TestConsumersModule, tokenFor, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { EVENTS_PROBE_DDL, EventsProbeModule } from '../support/events-probe.module';

describe('event backbone (API and worker in process, real PostgreSQL and Redis)', () => {
  let middleware: InProcessMiddleware;
  let config: AppConfig;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;
  let admin: Record<string, string>;

  const update = async (subjects: string[], extra: Record<string, unknown> = {}) => {
    const response = await fetch(`${api.url}/test/entities/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subjects, ...extra }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: { id: string; subject: string; version: number }[] }).events;
  };
  const effects = async (subject: string) =>
    await db.query<
      {
        event_id: string;
        version: string;
      }[]
    >('SELECT event_id, version FROM test_event_effects WHERE subject = $1 ORDER BY id', [subject]);
  const outboxStatus = async (eventId: string) =>
    (
      await db.query<
        {
          status: string;
          attempts: number;
        }[]
      >('SELECT status, attempts FROM outbox_events WHERE id = $1', [eventId])
    )[0];
  const deadLetterFor = (eventId: string) =>
    waitFor(
      async () =>
        (
          await db.query<
            {
              id: string;
            }[]
          >(`SELECT id FROM dead_letters WHERE event_id = $1 AND status = 'open'`, [eventId])
        )[0],
      { what: `a dead letter for ${eventId}` },
    );
  const adminCall = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...admin, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    middleware = await startInProcessMiddleware({
      env: { EVENTS_BACKOFF_BASE_MS: '50', EVENTS_BACKOFF_MAX_MS: '200', EVENTS_RELAY_POLL_INTERVAL_MS: '200' },
      apiImports: [EventsProbeModule],
      workerImports: [TestConsumersModule],
      worker: false,
    });
    ({ config, api, db } = middleware);
    await db.query(TEST_CONSUMER_DDL);
    await db.query(EVENTS_PROBE_DDL);
    worker = await middleware.startWorker();
    admin = { authorization: `Bearer ${tokenFor(config, 'admin')}` };
  });
  afterAll(() => middleware?.close());

  it('leaves no event behind a rolled-back transaction', async () => {
    const subject = `rollback-${randomUUID()}`;
    await update([subject], { rollback: true });
    const rows = await db.query<unknown[]>('SELECT 1 FROM outbox_events WHERE subject = $1', [subject]);
    expect(rows).toHaveLength(0);
  });

  it('delivers a committed event exactly once, with the request id carried into the envelope', async () => {
    const subject = `commit-${randomUUID()}`;
    const [event] = await update([subject]);
    await waitFor(async () => (await outboxStatus(event.id)).status === 'delivered', { what: 'delivery' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effects(subject)).toEqual([{ event_id: event.id, version: '1' }]);
    const [row] = await db.query<
      {
        request_id: string;
      }[]
    >('SELECT request_id FROM outbox_events WHERE id = $1', [event.id]);
    expect(row.request_id).toBeTruthy();
  });

  it('refuses to publish outside a transaction', async () => {
    const publisher = api.app.get(EventPublisher);
    await expect(
      publisher.publish({ destination: 'test.recorder', type: 'mastermobile.test.x.v1', subject: 's', data: {} }),
    ).rejects.toThrow(/inside UnitOfWork.run/);
    await expect(
      api.app
        .get(UnitOfWork)
        .run(() =>
          publisher.publish({ destination: 'Bad Destination', type: 'mastermobile.test.x.v1', subject: 's', data: {} }),
        ),
    ).rejects.toThrow(/Invalid event destination/);
  });

  it('dead-letters a permanent failure with its details, holds the subject back, and replays it once fixed', async () => {
    const subject = `dlq-${randomUUID()}`;
    const switchName = `switch-${subject}`;
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const [failing] = await update([subject], { data: { failWhileSwitch: switchName, failKind: 'permanent' } });
    const [successor] = await update([subject]);
    const { id } = await deadLetterFor(failing.id);

    const list = await adminCall('GET', `/api/v1/admin/dead-letters?subject=${subject}&destination=test.recorder`);
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((item) => item.id)).toEqual([id]);
    const letter = await adminCall('GET', `/api/v1/admin/dead-letters/${id}`);
    expect(letter.body).toMatchObject({
      eventId: failing.id,
      destination: 'test.recorder',
      subject,
      status: 'open',
      reason: 'permanent',
      attempts: 1,
      error: {
        code: 'TEST_PERMANENT',
        message: `switch ${switchName} is on`,
        httpStatus: 400,
        responseExcerpt: expect.stringContaining('switched on'),
      },
      envelope: { id: failing.id, specversion: '1.0', entityversion: 1 },
    });
    // The successor must not overtake the dead event.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await outboxStatus(successor.id)).status).toBe('queued');
    expect(await effects(subject)).toEqual([]);

    await db.query('DELETE FROM test_switches WHERE name = $1', [switchName]);
    const replay = await adminCall(
      'POST',
      `/api/v1/admin/dead-letters/${id}/replay`,
      { reason: 'switch fixed' },
      {
        'idempotency-key': randomUUID(),
      },
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'replayed', resolvedBy: 'admin-subject', resolution: 'switch fixed' });
    await waitFor(async () => (await outboxStatus(successor.id)).status === 'delivered', {
      what: 'successor delivery',
    });
    expect((await effects(subject)).map((effect) => effect.version)).toEqual(['1', '2']);
    const audit = await db.query<unknown[]>(`SELECT actor, action, reason FROM admin_audit_log WHERE target_id = $1`, [
      id,
    ]);
    expect(audit).toEqual([{ actor: 'admin-subject', action: 'dead_letter.replay', reason: 'switch fixed' }]);
  });

  it('discards a dead letter with a reason, audits it, and lets successors flow', async () => {
    const subject = `discard-${randomUUID()}`;
    const switchName = `switch-${subject}`;
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const [failing] = await update([subject], { data: { failWhileSwitch: switchName } });
    const [successor] = await update([subject]);
    const { id } = await deadLetterFor(failing.id);

    const missingReason = await adminCall('DELETE', `/api/v1/admin/dead-letters/${id}`);
    expect(missingReason.status).toBe(400);
    const discarded = await adminCall(
      'DELETE',
      `/api/v1/admin/dead-letters/${id}?reason=${encodeURIComponent('duplicate of 1C doc 42')}`,
    );
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ status: 'discarded', resolution: 'duplicate of 1C doc 42' });
    await waitFor(async () => (await outboxStatus(successor.id)).status === 'delivered', {
      what: 'successor delivery',
    });
    expect((await outboxStatus(failing.id)).status).toBe('discarded');
    expect((await effects(subject)).map((effect) => effect.version)).toEqual(['2']);
    const audit = await db.query<
      {
        details: Record<string, unknown>;
      }[]
    >(`SELECT actor, action, reason, details FROM admin_audit_log WHERE target_id = $1`, [id]);
    expect(audit).toEqual([
      {
        actor: 'admin-subject',
        action: 'dead_letter.discard',
        reason: 'duplicate of 1C doc 42',
        details: expect.objectContaining({ eventId: failing.id, subject }),
      },
    ]);
    expect((await adminCall('GET', `/api/v1/admin/dead-letters?subject=${subject}`)).body.items).toEqual([]);
  });

  it('retries transient failures with backoff, then dead-letters them as exhausted', async () => {
    const subject = `transient-${randomUUID()}`;
    const switchName = `switch-${subject}`;
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const [failing] = await update([subject], { data: { failWhileSwitch: switchName, failKind: 'transient' } });
    const { id } = await deadLetterFor(failing.id);
    const letter = await adminCall('GET', `/api/v1/admin/dead-letters/${id}`);
    expect(letter.body).toMatchObject({ reason: 'exhausted', attempts: 3, error: { code: 'TEST_TRANSIENT' } });
  });

  it('waits out a rate limit without burning attempts', async () => {
    const subject = `limited-${randomUUID()}`;
    const switchName = `switch-${subject}`;
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const [limited] = await update([subject], { data: { failWhileSwitch: switchName, failKind: 'rate_limited' } });
    // Three attempts would exhaust a transient failure; a rate limit may last longer than that.
    await waitFor(async () => {
      const [row] = await db.query<
        {
          last_error: unknown;
        }[]
      >('SELECT last_error FROM outbox_events WHERE id = $1', [limited.id]);
      return row.last_error !== null;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await outboxStatus(limited.id)).toEqual({ status: 'dispatched', attempts: 0 });
    await db.query('DELETE FROM test_switches WHERE name = $1', [switchName]);
    await waitFor(async () => (await outboxStatus(limited.id)).status === 'delivered', {
      what: 'delivery after the limit',
    });
  });

  it('holds back an early event (deferred) without an attempt, an error on its row or a failure counted', async () => {
    const subject = `early-${randomUUID()}`;
    const switchName = `switch-${subject}`;
    const workerMetric = async (pattern: RegExp) =>
      Number(pattern.exec(await (await fetch(`http://127.0.0.1:${worker.opsPort}/metrics`)).text())?.[1] ?? 0);
    const deferrals = () => workerMetric(/event_delivery_deferrals_total\{destination="test\.recorder"\} (\d+)/);
    const before = await deferrals();
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const [early] = await update([subject], { data: { failWhileSwitch: switchName, failKind: 'deferred' } });
    // Held back several times: more than the three attempts a failure would get.
    await waitFor(async () => (await deferrals()) >= before + 4, { what: 'the early event held back four times' });
    const [row] = await db.query<{ status: string; attempts: number; last_error: unknown; first_failed_at: unknown }[]>(
      'SELECT status, attempts, last_error, first_failed_at FROM outbox_events WHERE id = $1',
      [early.id],
    );
    expect(row).toEqual({ status: 'dispatched', attempts: 0, last_error: null, first_failed_at: null });
    expect(
      await workerMetric(/event_delivery_failures_total\{destination="test\.recorder",kind="deferred"\} (\d+)/),
    ).toBe(0);
    await db.query('DELETE FROM test_switches WHERE name = $1', [switchName]);
    await waitFor(async () => (await outboxStatus(early.id)).status === 'delivered', {
      what: 'delivery once it is no longer early',
    });
  });

  it('bulk-replays dead letters by filter, and a second call replays none', async () => {
    const type = `mastermobile.test.bulk_${Date.now()}.v1`;
    const switchName = `switch-bulk-${type}`;
    await db.query('INSERT INTO test_switches (name) VALUES ($1)', [switchName]);
    const events = await update([`bulk-a-${randomUUID()}`, `bulk-b-${randomUUID()}`], {
      type,
      data: { failWhileSwitch: switchName },
    });
    await Promise.all(events.map((event) => deadLetterFor(event.id)));
    await db.query('DELETE FROM test_switches WHERE name = $1', [switchName]);
    const first = await adminCall(
      'POST',
      '/api/v1/admin/dead-letters/replay',
      { type, reason: 'fixed' },
      { 'idempotency-key': randomUUID() },
    );
    expect(first.body).toMatchObject({ replayed: 2 });
    const second = await adminCall(
      'POST',
      '/api/v1/admin/dead-letters/replay',
      { type, reason: 'fixed' },
      { 'idempotency-key': randomUUID() },
    );
    expect(second.body).toMatchObject({ replayed: 0 });
    await Promise.all(
      events.map((event) => waitFor(async () => (await outboxStatus(event.id)).status === 'delivered')),
    );
  });

  it('stores an inbound event once and acknowledges duplicates', async () => {
    const inbox = api.app.get(InboxService);
    const event = {
      source: 'bitrix24',
      dedupKey: `ONCRMDEALUPDATE:${randomUUID()}`,
      type: 'ONCRMDEALUPDATE',
      subject: 'deal-7',
      payload: { data: { FIELDS: { ID: '7' } } },
      destination: 'internal.unconsumed',
      eventType: 'mastermobile.bitrix24.event_received.v1',
    };
    const first = await inbox.receive(event);
    const second = await inbox.receive(event);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ inboxId: first.inboxId, duplicate: true, copies: 2 });
    const rows = await db.query<
      {
        duplicates: number;
      }[]
    >('SELECT duplicates FROM inbox_events WHERE id = $1', [first.inboxId]);
    expect(rows).toEqual([{ duplicates: 1 }]);
    const processing = await db.query<
      {
        n: number;
      }[]
    >(`SELECT count(*)::int AS n FROM outbox_events WHERE destination = 'internal.unconsumed'`);
    expect(processing[0].n).toBe(1);
  });

  it('exports outbox, delivery and queue metrics', async () => {
    const api_ = await (await fetch(`${api.url}/metrics`)).text();
    expect(api_).toMatch(
      /outbox_events\{destination="onec",status="pending"\}|outbox_events\{destination="internal.unconsumed",status="pending"\} 1/,
    );
    expect(api_).toContain('outbox_oldest_pending_age_seconds');
    const workerMetrics = await (await fetch(`http://127.0.0.1:${worker.opsPort}/metrics`)).text();
    expect(workerMetrics).toMatch(/events_published_total\{destination="test.recorder"\} \d+/);
    expect(workerMetrics).toMatch(/events_processed_total\{destination="test.recorder",outcome="delivered"\} \d+/);
    expect(workerMetrics).toMatch(/events_dead_lettered_total\{destination="test.recorder",reason="permanent"\} \d+/);
    expect(workerMetrics).toMatch(/event_queue_jobs\{destination="test.recorder",state="waiting"\} \d+/);
    expect(workerMetrics).toContain('outbox_publish_latency_seconds_bucket');
  });
});
