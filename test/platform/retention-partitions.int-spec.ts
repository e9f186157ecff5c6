import { AuditTrailPartitionsJob } from '@app/audit';
import {
  AdminAuditLogPartitionsJob,
  type AppConfig,
  Clock,
  IntegrationLogPartitionsJob,
  MetricsService,
  type TimePartitionJob,
  TimePartitions,
} from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';

const DAY = 86_400_000;

class FixedClock extends Clock {
  constructor(private readonly at: Date) {
    super();
  }
  now(): Date {
    return this.at;
  }
}

/** A row of each table at `at`, with the columns its insert needs. */
const ROW: Record<string, (at: Date, tag: string) => [string, unknown[]]> = {
  integration_log: (at, tag) => [
    `INSERT INTO integration_log (occurred_at, direction, system, operation, outcome, request_id)
     VALUES ($1, 'outbound', 'bitrix24', 'crm.item.add', 'success', $2)`,
    [at, tag],
  ],
  admin_audit_log: (at, tag) => [
    `INSERT INTO admin_audit_log (occurred_at, actor, action, target_type, target_id, details, request_id)
     VALUES ($1, 'admin-1', 'dead_letter.replay', 'dead_letter', '1', '{}', $2)`,
    [at, tag],
  ],
  audit_trail: (at, tag) => [
    `INSERT INTO audit_trail (occurred_at, domain, entity_type, entity_id, action, source, actor, details, request_id)
     VALUES ($1, 'deliveries', 'delivery', 'd-1', 'corrected', 'admin', 'admin-1', '{}', $2)`,
    [at, tag],
  ],
};

/**
 * Retention of IntegrationLog and the audit tables drops whole time partitions: old partitions with rows in them
 * go, recent ones keep every row and see no DELETE, and inserts at any time still land somewhere.
 */
describe('time-partition retention (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let db: DataSource;
  let config: AppConfig;
  const statements: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    env = await createTestEnvironment();
    config = env.config();
    // One connection, so the statistics this test reads are those of the backend that did the work.
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl, extra: { max: 1 } }).initialize();
    const query = db.driver.createQueryRunner.bind(db.driver);
    db.driver.createQueryRunner = (mode) => {
      const runner = query(mode);
      const original = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: never[]) => {
        statements.push(sql);
        return original(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    };
  });
  afterAll(async () => {
    await db.destroy();
    await env.dispose();
  });

  const jobs: [string, () => TimePartitionJob][] = [
    ['integration_log', () => new IntegrationLogPartitionsJob(db, new FixedClock(now), new MetricsService(), config)],
    ['admin_audit_log', () => new AdminAuditLogPartitionsJob(db, new FixedClock(now), new MetricsService(), config)],
    ['audit_trail', () => new AuditTrailPartitionsJob(db, new FixedClock(now), new MetricsService(), config)],
  ];

  const partitionOf = async (table: string, tag: string): Promise<string> => {
    const [row] = await db.query<{ partition: string }[]>(
      `SELECT tableoid::regclass::text AS partition FROM ${table} WHERE request_id = $1`,
      [tag],
    );
    return row.partition;
  };
  const partitionNames = async (table: string): Promise<string[]> =>
    (await new TimePartitions(db).list(table)).map((partition) => partition.name);

  it.each(jobs)(
    '%s: drops the partitions past retention whole, keeps the recent ones and their rows',
    async (table, job) => {
      const partitions = new TimePartitions(db);
      const spec = {
        table,
        column: 'occurred_at',
        granularity: table === 'integration_log' ? 'day' : 'month',
        retentionDays: 90,
        ahead: 0,
      } as const;
      // Old partitions with rows in them, and a recent one (within the retention whatever the granularity).
      const ages = { old200: 200, old100: 100, recent: 5, today: 0 };
      const placed: Record<string, string> = {};
      for (const [tag, days] of Object.entries(ages)) {
        const at = new Date(now.getTime() - days * DAY);
        await partitions.ensure(spec, at);
        for (let copy = 0; copy < 3; copy += 1) {
          const [sql, params] = ROW[table](at, `${table}-${tag}`);
          await db.query(sql, params);
        }
        placed[tag] = await partitionOf(table, `${table}-${tag}`);
      }
      expect(placed.old200).not.toMatch(/_default$/);
      expect(placed.old100).not.toMatch(/_default$/);
      expect(placed.old200).not.toBe(placed.old100);
      const kept = [...new Set([placed.recent, placed.today])];
      await db.query('SELECT pg_stat_reset()');
      statements.length = 0;

      const summary = await job().run(new AbortController().signal);

      expect(summary).toMatchObject({ dropped: 2, defaultRows: 0 });
      const remaining = await partitionNames(table);
      expect(remaining).not.toContain(placed.old200);
      expect(remaining).not.toContain(placed.old100);
      expect(remaining).toEqual(expect.arrayContaining([...kept, `${table}_default`]));
      const [{ gone }] = await db.query<{ gone: boolean }[]>(
        `SELECT to_regclass($1) IS NULL AND to_regclass($2) IS NULL AS gone`,
        [placed.old200, placed.old100],
      );
      expect(gone).toBe(true);
      const counts = await db.query<{ request_id: string; n: string }[]>(
        `SELECT request_id, count(*) AS n FROM ${table} GROUP BY request_id ORDER BY request_id`,
      );
      expect(counts).toEqual([
        { request_id: `${table}-recent`, n: '3' },
        { request_id: `${table}-today`, n: '3' },
      ]);
      // Whole partitions went: the only DELETE the run sent is the default partition's (which holds nothing).
      const deletes = statements.filter((sql) => /^\s*(WITH[\s\S]*)?DELETE\b/i.test(sql));
      expect(deletes).toEqual([expect.stringContaining(`DELETE FROM "${table}_default"`)]);
      expect(statements.some((sql) => sql.includes(`DROP TABLE "${placed.old200}"`))).toBe(true);
      await db.query('SELECT pg_stat_force_next_flush()');
      await db.query('SELECT 1');
      const stats = await db.query<{ relname: string; n_tup_del: string }[]>(
        `SELECT relname, n_tup_del FROM pg_stat_user_tables WHERE relname = ANY($1)`,
        [kept],
      );
      expect(stats.map((row) => Number(row.n_tup_del))).toEqual(kept.map(() => 0));

      // The current period and the ones made ahead exist, so inserts now land in a partition, not in the default.
      const [sql, params] = ROW[table](now, `${table}-after`);
      await db.query(sql, params);
      expect(await partitionOf(table, `${table}-after`)).not.toMatch(/_default$/);
    },
  );

  it('never refuses an insert: a time no partition covers lands in the default partition, and moves out of it when its partition is made', async () => {
    const far = new Date(now.getTime() + 3 * 365 * DAY);
    const [sql, params] = ROW.integration_log(far, 'far-future');
    await db.query(sql, params);
    expect(await partitionOf('integration_log', 'far-future')).toBe('integration_log_default');

    const spec = {
      table: 'integration_log',
      column: 'occurred_at',
      granularity: 'day',
      retentionDays: 90,
      ahead: 0,
    } as const;
    const created = await new TimePartitions(db).ensure(spec, far);
    expect(created).toBe(`integration_log_p${far.toISOString().slice(0, 10).replaceAll('-', '')}`);
    expect(await partitionOf('integration_log', 'far-future')).toBe(created);
    const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM integration_log_default');
    expect(n).toBe('0');
  });

  it('keeps a partition until its whole range is past the retention', async () => {
    const spec = {
      table: 'audit_trail',
      column: 'occurred_at',
      granularity: 'month',
      retentionDays: 90,
      ahead: 0,
    } as const;
    const partitions = new TimePartitions(db);
    // 85 days ago is inside the retention; its month may begin more than 90 days ago and still stays whole.
    const at = new Date(now.getTime() - 85 * DAY);
    await partitions.ensure(spec, at);
    const [sql, params] = ROW.audit_trail(at, 'inside-retention');
    await db.query(sql, params);
    const partition = await partitionOf('audit_trail', 'inside-retention');
    expect(partition).not.toMatch(/_default$/);

    await partitions.maintain(spec, now);

    expect(await partitionNames('audit_trail')).toContain(partition);
    expect(await partitionOf('audit_trail', 'inside-retention')).toBe(partition);
  });
});
