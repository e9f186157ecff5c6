import { randomUUID } from 'node:crypto';
import { type Role } from '@app/core';
import { PurgeDeviationsJob, SlaMonitor } from '@app/sla';
import { RecordingAlertPublisher, TestClock, tokenFor } from '@app/testing';
import { type InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

interface DeviationBody {
  id: string;
  rule: string;
  subject: string;
  label: string;
  status: string;
  value: string;
  threshold: string;
  unit: string;
  since: string;
  firstSeen: string;
  lastSeen: string;
  resolvedBy: string | null;
  comment: string | null;
  link: string;
}

const MINUTE = 60_000;

describe('SLA monitors: deviations of the dead-letter rule, their alerts, the admin API and the report', () => {
  const clock = new TestClock();
  let started: Date;
  const alerts = new RecordingAlertPublisher();
  let middleware: InProcessMiddleware;
  let monitor: SlaMonitor;

  const call = async (
    method: string,
    path: string,
    { role = 'admin', body, accept }: { role?: Role; body?: unknown; accept?: string } = {},
  ) => {
    const response = await fetch(`${middleware.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokenFor(middleware.config, role)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...(accept ? { accept } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : {},
    };
  };
  const deviations = async (query: string) =>
    (await call('GET', `/api/v1/admin/deviations?${query}`)).body as { items: DeviationBody[]; nextCursor?: string };
  const evaluate = async () => (await monitor.evaluate(['dead_letters_waiting'])).rules[0];
  /** A dead letter of `destination`, written now (by the database's clock). */
  const deadLetter = async (destination: string) => {
    const [{ id }] = await middleware.db.query<{ id: string }[]>(
      `INSERT INTO dead_letters (event_id, destination, type, subject, envelope, attempts, first_failed_at,
                                 last_failed_at, error_code, error_message, reason)
       VALUES ($1, $2, 'mastermobile.test.failed.v1', 's-1', '{}', 8, now(), now(), 'E', 'failed', 'exhausted')
       RETURNING id`,
      [randomUUID(), destination],
    );
    return id;
  };
  const discard = async (id: string) =>
    expect((await call('DELETE', `/api/v1/admin/dead-letters/${id}?reason=fixed`)).status).toBe(200);

  beforeAll(async () => {
    // No schedule: the test decides when rules are evaluated.
    middleware = await startInProcessMiddleware({ domains: true, clock, alerts, env: { SLA_EVALUATE_SECONDS: '0' } });
    monitor = middleware.worker!.app.get(SlaMonitor);
    // Dead letters are stamped by the database's clock: the test's clock starts from it once the apps are up,
    // however long they took to boot.
    started = clock.advance(Math.max(0, Date.now() - clock.now().getTime()));
  });
  afterAll(async () => {
    await middleware?.close();
  });
  beforeEach(() => alerts.clear());

  it('opens one deviation once a dead letter waits past the threshold, updates it, and resolves it on discard', async () => {
    const letter = await deadLetter('onec');
    expect(await evaluate()).toMatchObject({ outcome: 'evaluated', breaches: 0, opened: 0 });

    clock.advance(16 * MINUTE);
    expect(await evaluate()).toMatchObject({ breaches: 1, opened: 1, updated: 0, resolved: 0 });
    const [opened] = (await deviations('rule=dead_letters_waiting&status=open')).items;
    expect(opened).toMatchObject({
      subject: 'dead-letters:onec',
      label: '1 dead letter(s) to onec',
      status: 'open',
      threshold: '15',
      unit: 'minutes',
      link: '/api/v1/admin/dead-letters?destination=onec&status=open',
    });
    expect(Number(opened.value)).toBeGreaterThanOrEqual(16);
    expect(alerts.alerts).toEqual([
      {
        id: opened.id,
        transition: 'opened',
        rule: 'dead_letters_waiting',
        severity: 'critical',
        title: 'Dead letters waiting',
        subject: '1 dead letter(s) to onec',
        value: `${opened.value} min`,
        limit: '15 min',
        since: new Date(opened.since),
        link: `/api/v1/admin/deviations/${opened.id}`,
      },
    ]);

    clock.advance(5 * MINUTE);
    expect(await evaluate()).toMatchObject({ breaches: 1, opened: 0, updated: 1 });
    const updated = (await call('GET', `/api/v1/admin/deviations/${opened.id}`)).body as DeviationBody;
    expect(Number(updated.value)).toBeGreaterThanOrEqual(21);
    expect(updated.lastSeen).toBe(clock.now().toISOString());
    expect(updated.firstSeen).toBe(opened.firstSeen);
    expect(alerts.alerts).toHaveLength(1);

    await discard(letter);
    expect(await evaluate()).toMatchObject({ breaches: 0, resolved: 1 });
    expect(alerts.alerts.slice(1)).toEqual([expect.objectContaining({ id: opened.id, transition: 'resolved' })]);
    expect((await call('GET', `/api/v1/admin/deviations/${opened.id}`)).body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'monitor',
      resolvedAt: clock.now().toISOString(),
    });
    expect(await evaluate()).toMatchObject({ opened: 0, resolved: 0 });
    expect(alerts.alerts).toHaveLength(2);
  });

  it('resolves by hand with a comment (audited, announced) and does not reopen while the same breach lasts', async () => {
    const letter = await deadLetter('bitrix24');
    clock.advance(16 * MINUTE);
    await evaluate();
    const [open] = (await deviations('subject=dead-letters:bitrix24&status=open')).items;
    alerts.clear();

    const resolved = await call('POST', `/api/v1/admin/deviations/${open.id}/resolve`, {
      body: { comment: 'Bitrix24 portal maintenance, replay tomorrow' },
    });
    expect(resolved).toMatchObject({
      status: 200,
      body: { status: 'resolved', resolvedBy: 'admin', comment: 'Bitrix24 portal maintenance, replay tomorrow' },
    });
    expect(alerts.alerts).toEqual([expect.objectContaining({ id: open.id, transition: 'resolved' })]);
    expect(
      await middleware.db.query(
        `SELECT action, actor, details->>'comment' AS comment FROM audit_trail
          WHERE domain = 'sla' AND entity_type = 'deviation' AND entity_id = $1`,
        [open.id],
      ),
    ).toEqual([
      { action: 'resolved', actor: 'admin-subject', comment: 'Bitrix24 portal maintenance, replay tomorrow' },
    ]);

    clock.advance(MINUTE);
    expect(await evaluate()).toMatchObject({ breaches: 1, opened: 0, updated: 0 });
    expect((await deviations('subject=dead-letters:bitrix24')).items).toHaveLength(1);
    expect(alerts.alerts).toHaveLength(1);

    const again = await call('POST', `/api/v1/admin/deviations/${open.id}/resolve`, { body: { comment: 'again' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ code: 'DEVIATION_RESOLVED' });

    // Another letter takes over as the oldest: a new episode of the subject, a new deviation.
    await discard(letter);
    await deadLetter('bitrix24');
    clock.advance(16 * MINUTE);
    expect(await evaluate()).toMatchObject({ opened: 1 });
    const episodes = (await deviations('subject=dead-letters:bitrix24')).items;
    expect(episodes.map((deviation) => deviation.status)).toEqual(['open', 'resolved']);
    expect(episodes[0].since).not.toBe(episodes[1].since);
  });

  it('lists with filters and a keyset cursor', async () => {
    const all = (await deviations('limit=200')).items;
    expect(all.length).toBe(3);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deviations(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((item) => item.id));
    expect(new Set(pages).size).toBe(3);

    expect((await deviations('status=resolved')).items.map((item) => item.resolvedBy).sort()).toEqual([
      'admin',
      'monitor',
    ]);
    expect((await deviations('severity=critical&rule=dead_letters_waiting')).items).toHaveLength(3);
    expect((await deviations('severity=info')).items).toHaveLength(0);
    expect((await deviations('courierId=courier-1')).items).toHaveLength(0);
    const newest = all[0].firstSeen;
    expect((await deviations(`opened_from=${encodeURIComponent(newest)}`)).items).toEqual([all[0]]);
    expect((await deviations(`opened_to=${encodeURIComponent(newest)}`)).items).toEqual(all.slice(1));

    for (const query of ['status=closed', 'rule=speed', 'cursor=bogus', 'opened_from=yesterday', 'limit=0']) {
      expect((await call('GET', `/api/v1/admin/deviations?${query}`)).status).toBe(400);
    }
    expect((await call('GET', `/api/v1/admin/deviations/${randomUUID()}`)).status).toBe(404);
  });

  it('is for admins only', async () => {
    const id = randomUUID();
    for (const role of ['courier', '1c'] as const) {
      for (const [method, path, body] of [
        ['GET', '/api/v1/admin/deviations', undefined],
        ['GET', `/api/v1/admin/deviations/${id}`, undefined],
        ['POST', `/api/v1/admin/deviations/${id}/resolve`, { comment: 'x' }],
        ['POST', '/api/v1/admin/sla/evaluate', {}],
        ['GET', `/api/v1/admin/reports/sla?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`, undefined],
      ] as const) {
        expect([role, path, (await call(method, path, { role, body })).status]).toEqual([role, path, 403]);
      }
    }
  });

  it('evaluates now on request, every rule with the probe its lib provides, or the rules named', async () => {
    const answer = await call('POST', '/api/v1/admin/sla/evaluate', { body: {} });
    expect(answer.status).toBe(200);
    const rules = (answer.body as { at: string; rules: { rule: string; outcome: string }[] }).rules;
    expect(answer.body).toMatchObject({ at: clock.now().toISOString() });
    expect(Object.fromEntries(rules.map((rule) => [rule.rule, rule.outcome]))).toEqual({
      cash_not_handed_over: 'evaluated',
      document_not_posted: 'evaluated',
      advance_not_reported: 'evaluated',
      cash_on_hand_over_limit: 'evaluated',
      cod_mismatch: 'evaluated',
      posted_amount_mismatch: 'evaluated',
      confirmation_not_acknowledged: 'evaluated',
      dead_letters_waiting: 'evaluated',
      sync_lag: 'evaluated',
    });
    const one = await call('POST', '/api/v1/admin/sla/evaluate', { body: { rules: ['sync_lag'] } });
    expect((one.body as { rules: unknown[] }).rules).toEqual([
      { rule: 'sync_lag', outcome: 'evaluated', breaches: 0, opened: 0, updated: 0, resolved: 0 },
    ]);
    expect((await call('POST', '/api/v1/admin/sla/evaluate', { body: { rules: ['nope'] } })).status).toBe(400);
  });

  it('reports per rule and per courier, as JSON and as CSV', async () => {
    const from = started.toISOString();
    const to = clock.advance(MINUTE).toISOString();
    const report = await call('GET', `/api/v1/admin/reports/sla?from=${from}&to=${to}`);
    expect(report.status).toBe(200);
    const body = report.body as {
      byRule: { rule: string; opened: number; resolved: number; withinSlaPercent: string }[];
      byCourier: unknown[];
    };
    expect(body.byRule).toHaveLength(9);
    const deadLetters = body.byRule.find((line) => line.rule === 'dead_letters_waiting')!;
    expect(deadLetters).toMatchObject({ opened: 3, resolved: 2 });
    expect(deadLetters).toHaveProperty('medianSecondsToResolve');
    expect(Number(deadLetters.withinSlaPercent)).toBeGreaterThan(0);
    expect(Number(deadLetters.withinSlaPercent)).toBeLessThan(100);
    expect(body.byRule.find((line) => line.rule === 'sync_lag')).toEqual({
      rule: 'sync_lag',
      opened: 0,
      resolved: 0,
      medianSecondsToResolve: null,
      maxSecondsToResolve: null,
      withinSlaPercent: '100.00',
    });
    expect(body.byCourier).toEqual([]);

    const csv = await call('GET', `/api/v1/admin/reports/sla?from=${from}&to=${to}`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'scope,key,from,to,opened,resolved,medianSecondsToResolve,maxSecondsToResolve,withinSlaPercent',
    );
    expect(lines).toHaveLength(10);
    expect(lines).toContain(`rule,sync_lag,${from},${to},0,0,,,100.00`);

    expect((await call('GET', `/api/v1/admin/reports/sla?from=${from}`)).status).toBe(400);
    expect((await call('GET', `/api/v1/admin/reports/sla?from=2026-02-30T00:00:00Z&to=${to}`)).status).toBe(400);
    const backwards = await call('GET', `/api/v1/admin/reports/sla?from=${to}&to=${from}`);
    expect(backwards.status).toBe(422);
    expect(backwards.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
  it('opens one deviation when the scheduled and the requested evaluations of a rule race', async () => {
    await deadLetter('master-data.bitrix24');
    clock.advance(16 * MINUTE);
    alerts.clear();
    const [api, worker] = await Promise.all(
      [middleware.api.app, middleware.worker!.app].map((app) => app.get(SlaMonitor).evaluate(['dead_letters_waiting'])),
    );
    expect(api.rules[0].opened + worker.rules[0].opened).toBe(1);
    expect((await deviations('subject=dead-letters:master-data.bitrix24')).items).toHaveLength(1);
    expect(alerts.alerts).toHaveLength(1);
  });

  it('forgets deviations resolved past SLA_DEVIATIONS_RETENTION_DAYS (400), but an operator’s last resolution of a subject', async () => {
    /** A deviation of the dead-letter rule as the monitor writes it, dated by the database's clock. */
    const deviation = async (
      subject: string,
      state: { status: 'open' | 'resolved'; resolvedDaysAgo?: number; by?: 'monitor' | 'admin'; sinceDaysAgo: number },
    ) => {
      const [{ id }] = await middleware.db.query<{ id: string }[]>(
        `INSERT INTO sla_deviations (id, rule, subject, label, severity, status, value, threshold, since, first_seen,
                                     last_seen, resolved_at, resolved_by, link)
         VALUES ($1, 'dead_letters_waiting', $2, $2, 'critical', $3, '20', '15',
                 now() - make_interval(days => $4), now() - make_interval(days => $4),
                 now() - make_interval(days => $4),
                 CASE WHEN $5::int IS NULL THEN NULL ELSE now() - make_interval(days => $5::int) END, $6, '/')
         RETURNING id`,
        [randomUUID(), subject, state.status, state.sinceDaysAgo, state.resolvedDaysAgo ?? null, state.by ?? null],
      );
      return id;
    };
    const old = await deviation('retention:old', {
      status: 'resolved',
      by: 'monitor',
      sinceDaysAgo: 402,
      resolvedDaysAgo: 401,
    });
    const recent = await deviation('retention:recent', {
      status: 'resolved',
      by: 'monitor',
      sinceDaysAgo: 11,
      resolvedDaysAgo: 10,
    });
    const lastByHand = await deviation('retention:by-hand', {
      status: 'resolved',
      by: 'admin',
      sinceDaysAgo: 402,
      resolvedDaysAgo: 401,
    });
    const endedByHand = await deviation('retention:episodes', {
      status: 'resolved',
      by: 'admin',
      sinceDaysAgo: 402,
      resolvedDaysAgo: 401,
    });
    const nextEpisode = await deviation('retention:episodes', { status: 'open', sinceDaysAgo: 3 });
    const longOpen = await deviation('retention:long-open', { status: 'open', sinceDaysAgo: 500 });

    const summary = await middleware.worker!.app.get(PurgeDeviationsJob).run(new AbortController().signal);
    expect(summary).toEqual({ purged: 2 });
    const left = await middleware.db.query<{ id: string }[]>(
      `SELECT id FROM sla_deviations WHERE subject LIKE 'retention:%'`,
    );
    expect(left.map((row) => row.id).sort()).toEqual([recent, lastByHand, nextEpisode, longOpen].sort());
    expect(left.map((row) => row.id)).not.toContain(old);
    expect(left.map((row) => row.id)).not.toContain(endedByHand);
  });

  it('watches the lag of the events to 1C and Bitrix24', async () => {
    const [{ id }] = await middleware.db.query<{ id: string }[]>(
      `INSERT INTO outbox_events (id, destination, type, subject, source, time, data, status)
       VALUES ($1, 'onec', 'mastermobile.test.lagging.v1', 'lag-1', 'test', now(), '{}', 'dead') RETURNING id`,
      [randomUUID()],
    );
    const lag = async () => (await monitor.evaluate(['sync_lag'])).rules[0];
    // The test clock is well past the event's writing by now: over the 10 minutes at once.
    expect(await lag()).toMatchObject({ breaches: 1, opened: 1 });
    expect((await deviations('rule=sync_lag&status=open')).items).toEqual([
      expect.objectContaining({ subject: 'destination:onec', label: '1C: 1 event(s) waiting', severity: 'warning' }),
    ]);
    await middleware.db.query(`UPDATE outbox_events SET status = 'discarded' WHERE id = $1`, [id]);
    expect(await lag()).toMatchObject({ breaches: 0, resolved: 1 });
  });
});
