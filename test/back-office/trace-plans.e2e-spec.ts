import { randomUUID } from 'node:crypto';
import { providersExtending, type TraceQuery, TraceSource } from '@app/core';
import { DiscoveryService } from '@nestjs/core';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

/**
 * Every lookup a trace source makes reaches its rows through an index condition, never by reading a whole table:
 * the tables grow with traffic (outbox, integration log, audit). With sequential scans disabled the planner still
 * takes one when no index fits, and an index scan without an `Index Cond` reads the whole index; both fail here.
 */
describe('the trace sources’ lookups', () => {
  let middleware: InProcessMiddleware;
  let sources: TraceSource[];
  const eventId = randomUUID();

  beforeAll(async () => {
    middleware = await startInProcessMiddleware({ domains: true, worker: false });
    sources = providersExtending(middleware.api.app.get(DiscoveryService), TraceSource);
    // One event of the request, so the lookups by its id (deliveries, dead letters) run too.
    await middleware.db.query(
      `INSERT INTO outbox_events (id, destination, type, subject, source, time, data, request_id, status)
       VALUES ($1, 'onec', 'mastermobile.test.v1', 'delivery:d-plan', 'test', now(), '{}', 'r-plan', 'delivered')`,
      [eventId],
    );
  });
  afterAll(async () => {
    await middleware?.close();
  });

  /** Scans that read a whole table or a whole index: a `Seq Scan`, or an index scan without an `Index Cond`. */
  const planOf = async (sql: string, parameters: unknown[]) => {
    const runner = middleware.db.createQueryRunner();
    try {
      await runner.query('SET enable_seqscan = off');
      const rows = (await runner.query(`EXPLAIN ${sql}`, parameters)) as { 'QUERY PLAN': string }[];
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      const scans = plan.match(/(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) /g) ?? [];
      const conditions = plan.match(/Index Cond:/g) ?? [];
      const seqScans = plan.match(/Seq Scan/g) ?? [];
      return { plan, unindexed: seqScans.length + scans.length - conditions.length };
    } finally {
      await runner.query('RESET enable_seqscan');
      await runner.release();
    }
  };

  it('finds the core, events, audit and SLA sources in the API', () => {
    expect(sources.map((source) => source.name).sort()).toEqual(['audit', 'core', 'events', 'sla']);
  });

  it.each<[string, TraceQuery]>([
    ['a request id', { requestId: 'r-plan' }],
    ['a record', { entity: { type: 'delivery', id: 'd-plan' } }],
    ['an event a record links to', { entity: { type: 'event', id: eventId } }],
  ])('by %s: an index condition on every table read', async (_, query) => {
    const queries: { sql: string; parameters: unknown[] }[] = [];
    const logger = middleware.db.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (sql, parameters, runner) => {
      if (/^\s*SELECT/i.test(sql)) {
        queries.push({ sql, parameters: (parameters as unknown[] | undefined) ?? [] });
      }
      logQuery(sql, parameters, runner);
    };
    try {
      await Promise.all(sources.map((source) => source.entries(query, 1001)));
    } finally {
      logger.logQuery = logQuery;
    }
    expect(queries.length).toBeGreaterThan(0);
    for (const { sql, parameters } of queries) {
      expect({ sql, ...(await planOf(sql, parameters)) }).toEqual({ sql, plan: expect.any(String), unindexed: 0 });
    }
  });

  it('would notice a lookup no index serves (the check itself)', async () => {
    expect((await planOf('SELECT id FROM audit_trail WHERE action = $1', ['created'])).unindexed).toBeGreaterThan(0);
  });
});
