import { randomUUID } from 'node:crypto';
import { type FakeOnecHttpService, tokenFor, waitFor } from '@app/testing';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import {
  COURIER_A,
  deliveriesAs,
  type DeliveryBody,
  type Problem,
  shipment,
  startWithFakeOnec,
} from '../deliveries/deliveries-fixtures';

interface Entry {
  id: string;
  at: string;
  kind: string;
  source: string;
  summary: string;
  requestId: string | null;
  entity?: { type: string; id: string };
  details: Record<string, unknown>;
}
interface Timeline {
  requestId?: string;
  entity?: { type: string; id: string };
  entries: Entry[];
  truncated: boolean;
  limit: number;
}

describe('the trace: one timeline of what a request caused, and of what happened to a delivery', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  let deliveryId: string;
  const requestId = `trace-test-${randomUUID()}`;

  const onecSide = deliveriesAs(() => harness, '1c');
  const courier = deliveriesAs(() => harness, 'courier', COURIER_A);
  const status = (value: string, extra: Record<string, unknown> = {}) => ({
    status: value,
    occurredAt: '2026-12-05T11:00:00+03:00',
    ...extra,
  });
  /** The harness's calls cannot set X-Request-Id; this one can. */
  const call = async (
    method: string,
    path: string,
    options: { role: '1c' | 'admin' | 'courier'; body?: unknown; requestId?: string; idempotencyKey?: string },
  ) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${tokenFor(harness.middleware.config, options.role, options.role === 'courier' ? { courierId: COURIER_A } : {})}`,
    };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (options.requestId) {
      headers['x-request-id'] = options.requestId;
    }
    if (options.idempotencyKey) {
      headers['idempotency-key'] = options.idempotencyKey;
    }
    const response = await fetch(`${harness.middleware.api.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  const trace = (path: string, role: '1c' | 'admin' | 'courier' = 'admin') =>
    call('GET', `/api/v1/admin/trace${path}`, { role });
  const inTimeOrder = (entries: Entry[]) => entries.every((entry, i) => i === 0 || entries[i - 1].at <= entry.at);

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec());
    const created = await onecSide.post('', shipment(701));
    expect(created.status).toBe(201);
    deliveryId = (created.body as DeliveryBody).id;
    expect((await courier.post(`/${deliveryId}/status`, status('accepted'))).status).toBe(200);
    expect((await courier.post(`/${deliveryId}/status`, status('in_transit'))).status).toBe(200);
    const delivered = await call('POST', `/api/v1/deliveries/${deliveryId}/status`, {
      role: 'courier',
      body: status('delivered', { cashCollected: '116.99', geo: { latitude: '55.75', longitude: '37.62' } }),
      requestId,
      idempotencyKey: randomUUID(),
    });
    expect(delivered.status).toBe(200);
    expect(delivered.headers.get('x-request-id')).toBe(requestId);
    // The worker pushes the confirmation to 1C under the request's id, and marks the event delivered.
    await waitFor(
      async () =>
        (
          await harness.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM integration_log l
               JOIN outbox_events e ON l.entity_type = 'event' AND l.entity_id = e.id::text
              WHERE l.request_id = $1 AND l.system = 'onec' AND e.status = 'delivered'`,
            [requestId],
          )
        )[0].n > 0,
      { what: 'the confirmation pushed to 1C and delivered' },
    );
    expect(onec.received.some((push) => push.status === 200)).toBe(true);
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('by request id: the request, its audit row, the event to 1C, the push and the delivery, in time order', async () => {
    const answer = await trace(`/${requestId}`);
    expect(answer.status).toBe(200);
    const timeline = answer.body as Timeline;
    expect(timeline).toMatchObject({ requestId, truncated: false, limit: 1000 });
    const { entries } = timeline;
    expect(inTimeOrder(entries)).toBe(true);
    expect(entries.every((entry) => entry.requestId === requestId)).toBe(true);
    expect(entries[0]).toMatchObject({
      kind: 'http_request',
      source: 'core',
      details: { method: 'POST', route: '/api/v1/deliveries/:id/status', status: 200 },
    });
    const audit = entries.filter((entry) => entry.kind === 'audit');
    expect(audit).toEqual([
      expect.objectContaining({
        source: 'audit',
        entity: { type: 'delivery', id: deliveryId },
        details: expect.objectContaining({ action: 'status_changed', actorRole: 'courier' }) as unknown,
      }),
    ]);
    const toOnec = entries.find((entry) => entry.kind === 'outbox_event' && entry.details.destination === 'onec');
    expect(toOnec).toMatchObject({
      source: 'events',
      entity: { type: 'delivery', id: deliveryId },
      details: { type: 'mastermobile.delivery.execution_confirmed.v1', status: 'delivered' },
    });
    const eventId = toOnec!.details.eventId as string;
    const push = entries.find((entry) => entry.kind === 'integration_call' && entry.details.system === 'onec');
    expect(push).toMatchObject({
      source: 'core',
      entity: { type: 'event', id: eventId },
      details: { outcome: 'success' },
    });
    const delivery = entries.find((entry) => entry.kind === 'event_delivery' && entry.details.eventId === eventId);
    expect(delivery).toBeDefined();
    // Cause before effect: the request, then its audit and event (one transaction), then the push, then delivery.
    const position = (entry: Entry | undefined) => entries.indexOf(entry!);
    expect(position(audit[0])).toBeLessThan(position(toOnec));
    expect(position(toOnec)).toBeLessThan(position(push));
    expect(position(push)).toBeLessThanOrEqual(position(delivery));
    // Small details only: no bodies, payloads or envelopes.
    expect(JSON.stringify(entries)).not.toContain('116.99');
  });

  it('by entity: the delivery’s whole history across its requests, with the push its event caused', async () => {
    const answer = await trace(`?entity=${encodeURIComponent(`delivery:${deliveryId}`)}`);
    expect(answer.status).toBe(200);
    const timeline = answer.body as Timeline;
    expect(timeline.entity).toEqual({ type: 'delivery', id: deliveryId });
    const { entries } = timeline;
    expect(inTimeOrder(entries)).toBe(true);
    const audit = entries.filter((entry) => entry.kind === 'audit');
    expect(audit.map((entry) => entry.details.action)).toEqual([
      'created',
      'status_changed',
      'status_changed',
      'status_changed',
    ]);
    // Four requests: 1C's creation and the courier's three reports, the last one ours.
    expect(new Set(audit.map((entry) => entry.requestId)).size).toBe(4);
    expect(audit[3].requestId).toBe(requestId);
    const events = entries.filter((entry) => entry.kind === 'outbox_event');
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((entry) => entry.entity?.id === deliveryId)).toBe(true);
    expect(entries).toContainEqual(
      expect.objectContaining({
        kind: 'integration_call',
        requestId,
        details: expect.objectContaining({ system: 'onec' }) as unknown,
      }),
    );
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  });

  it('answers 404 when nothing is known of the request or the record', async () => {
    const longest = `${randomUUID()}${'x'.repeat(92)}`;
    for (const path of [`/never-seen-${randomUUID()}`, `/${longest}`, `?entity=delivery:${randomUUID()}`]) {
      const answer = await trace(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect((answer.body as Problem).code).toBe('TRACE_NOT_FOUND');
    }
  });

  it('answers 400 naming the parameter for a malformed request id or entity', async () => {
    // Over 128 characters is no request id; over the router's limit too, so Fastify's 414 answers first.
    expect((await trace(`/${'x'.repeat(129)}`)).status).toBe(414);
    const cases: [string, string][] = [
      [`/${encodeURIComponent('id;drop')}`, 'requestId'],
      [`/${encodeURIComponent('a b')}`, 'requestId'],
      [`/${encodeURIComponent('id\u0000')}`, 'requestId'],
      ['', 'entity'],
      ['?entity=delivery', 'entity'],
      [`?entity=${encodeURIComponent('Delivery:1')}`, 'entity'],
      [`?entity=${encodeURIComponent('delivery:')}`, 'entity'],
      [`?entity=${encodeURIComponent('delivery:a b')}`, 'entity'],
    ];
    for (const [path, name] of cases) {
      const answer = await trace(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect({ path, paths: [...new Set((answer.body as Problem).errors?.map((error) => error.path))] }).toEqual({
        path,
        paths: [name],
      });
    }
  });

  it('serves admins only: 403 for a courier and for 1C', async () => {
    for (const role of ['courier', '1c'] as const) {
      for (const path of [`/${requestId}`, `?entity=delivery:${deliveryId}`]) {
        expect({ role, path, status: (await trace(path, role)).status }).toEqual({ role, path, status: 403 });
      }
    }
  });
});
