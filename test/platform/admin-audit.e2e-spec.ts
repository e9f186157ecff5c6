import { randomUUID } from 'node:crypto';
import { AuditService, RequestContext } from '@app/core';
import { tokenFor } from '@app/testing';
import { ApiHarness, bearer, startApiHarness } from '../support/api-harness';

interface AuditRow {
  table: string;
  actor: string;
  action: string;
  target: string;
  request_id: string | null;
}

/**
 * Every admin action leaves an audit row naming the operator and the request id it came with (`X-Request-Id`):
 * operational actions in `admin_audit_log`, changes of business records in `audit_trail`.
 */
describe('admin actions are audited with their principal and request id', () => {
  let harness: ApiHarness;
  const admin = () => bearer(tokenFor(harness.config, 'admin'));

  const call = async (method: string, path: string, requestId: string, body?: unknown) => {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: {
        ...admin(),
        'x-request-id': requestId,
        'idempotency-key': randomUUID(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const auditOf = (requestId: string) =>
    harness.db.query<AuditRow[]>(
      `SELECT 'admin_audit_log' AS table, actor, action, target_type || ':' || target_id AS target, request_id
         FROM admin_audit_log WHERE request_id = $1
       UNION ALL
       SELECT 'audit_trail', actor, action, entity_type || ':' || entity_id, request_id
         FROM audit_trail WHERE request_id = $1`,
      [requestId],
    );

  beforeAll(async () => {
    harness = await startApiHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('discarding a dead letter', async () => {
    const [{ id }] = await harness.db.query<{ id: string }[]>(
      `INSERT INTO dead_letters (event_id, destination, type, subject, envelope, attempts, first_failed_at,
                                 last_failed_at, error_code, error_message, reason)
       VALUES ($1, 'probe', 'probe.happened', 'probe:1', '{}', 3, now(), now(), 'BOOM', 'boom', 'exhausted')
       RETURNING id`,
      [randomUUID()],
    );
    const response = await call('DELETE', `/api/v1/admin/dead-letters/${id}?reason=not%20needed`, 'audit-dl-1');
    expect(response.status).toBe(200);
    expect(await auditOf('audit-dl-1')).toEqual([
      {
        table: 'admin_audit_log',
        actor: 'admin-subject',
        action: 'dead_letter.discard',
        target: `dead_letter:${id}`,
        request_id: 'audit-dl-1',
      },
    ]);
  });

  it('resolving an SLA deviation', async () => {
    const id = randomUUID();
    await harness.db.query(
      `INSERT INTO sla_deviations (id, rule, subject, label, severity, status, value, threshold, since, first_seen,
                                   last_seen, link)
       VALUES ($1, 'cash_not_handed_over', 'courier:c-1', 'Cash not handed over', 'warning', 'open', '5 h', '4 h',
               now(), now(), now(), '/deviations')`,
      [id],
    );
    const response = await call('POST', `/api/v1/admin/deviations/${id}/resolve`, 'audit-sla-1', {
      comment: 'handed over, the courier forgot to scan',
    });
    expect(response.status).toBe(200);
    expect(await auditOf('audit-sla-1')).toEqual([
      {
        table: 'audit_trail',
        actor: 'admin-subject',
        action: 'resolved',
        target: `deviation:${id}`,
        request_id: 'audit-sla-1',
      },
    ]);
  });

  it('starting a reconcile run', async () => {
    const response = await call('POST', '/api/v1/admin/reconcile/products', 'audit-reconcile-1', { dryRun: true });
    expect(response.status).toBe(202);
    expect(await auditOf('audit-reconcile-1')).toEqual([
      {
        table: 'admin_audit_log',
        actor: 'admin-subject',
        action: 'reconcile.start',
        target: `reconcile_run:${String(response.body.id)}`,
        request_id: 'audit-reconcile-1',
      },
    ]);
  });

  it('offers the console a sign-in hook writing the same kind of row', async () => {
    await RequestContext.run({ requestId: 'audit-sign-in-1', source: 'http' }, () =>
      harness.http.app.get(AuditService).signIn('admin-subject', { via: 'console' }),
    );
    expect(await auditOf('audit-sign-in-1')).toEqual([
      {
        table: 'admin_audit_log',
        actor: 'admin-subject',
        action: 'sign_in',
        target: 'principal:admin-subject',
        request_id: 'audit-sign-in-1',
      },
    ]);
  });
});
