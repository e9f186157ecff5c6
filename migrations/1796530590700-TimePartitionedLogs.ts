import { MigrationInterface, QueryRunner } from 'typeorm';

interface Conversion {
  readonly table: string;
  readonly granularity: 'day' | 'month';
  /** The primary key before and after: a partitioned table's key must include the partition key. */
  readonly oldPrimaryKey: string;
  readonly newPrimaryKey: string;
}

const CONVERSIONS: readonly Conversion[] = [
  {
    table: 'integration_log',
    granularity: 'day',
    oldPrimaryKey: 'PK_04251015951e26eddba21d8c7e9',
    newPrimaryKey: 'PK_3ac10c8213727c5177a10a3da47',
  },
  {
    table: 'admin_audit_log',
    granularity: 'month',
    oldPrimaryKey: 'PK_9425be48a9c753f5753017c61b2',
    newPrimaryKey: 'PK_3524d7b562803483bb20c08f271',
  },
  {
    table: 'audit_trail',
    granularity: 'month',
    oldPrimaryKey: 'PK_91aade8e45ada93f7dc98ca7ced',
    newPrimaryKey: 'PK_1df4f62a2a2fc775fd4a21a50e0',
  },
];

/**
 * The table's indexes other than its primary key, as `CREATE INDEX` statements naming the table: read from the
 * catalog rather than listed here, so an index another migration added before this one is carried over too.
 */
async function secondaryIndexes(
  queryRunner: QueryRunner,
  table: string,
  primaryKey: string,
): Promise<{ name: string; definition: string }[]> {
  return (await queryRunner.query(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = $1 AND indexname <> $2 ORDER BY indexname`,
    [table, primaryKey],
  )) as { name: string; definition: string }[];
}

function nextPeriod(granularity: 'day' | 'month', now: Date, count: number): Date {
  return granularity === 'day'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + count))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + count, 1));
}

/** `20261206` or `202612`, as TimePartitions names partitions. */
function suffixOf(granularity: 'day' | 'month', start: Date): string {
  return start
    .toISOString()
    .slice(0, granularity === 'day' ? 10 : 7)
    .replaceAll('-', '');
}

/**
 * IntegrationLog (daily) and both audit tables (monthly) become range-partitioned by `occurred_at`, so retention
 * drops whole partitions instead of deleting rows.
 *
 * Safe on a populated database without copying a row (an empty table is simply replaced): the existing table is renamed `<table>_legacy` and attached
 * as the partition FROM (MINVALUE) TO (the next period's start); its indexes are renamed so the parent's matching
 * indexes adopt them, and only the new primary key (id, occurred_at) is built. The legacy partition is dropped by
 * retention like any other once its upper bound is past the retention. Rows after that bound go to the partitions
 * the `*-partitions` jobs create ahead (this migration makes the first ones) or, failing that, `<table>_default`.
 */
export class TimePartitionedLogs1796530590700 implements MigrationInterface {
  name = 'TimePartitionedLogs1796530590700';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const now = new Date();
    for (const { table, granularity, oldPrimaryKey, newPrimaryKey } of CONVERSIONS) {
      const legacy = `${table}_legacy`;
      const indexes = await secondaryIndexes(queryRunner, table, oldPrimaryKey);
      await queryRunner.query(`ALTER TABLE "${table}" RENAME TO "${legacy}"`);
      await queryRunner.query(`ALTER TABLE "${legacy}" DROP CONSTRAINT "${oldPrimaryKey}"`);
      for (const { name } of indexes) {
        await queryRunner.query(`ALTER INDEX "${name}" RENAME TO "${name.slice(0, 56)}_legacy"`);
      }
      await queryRunner.query(
        `CREATE TABLE "${table}" (LIKE "${legacy}" INCLUDING DEFAULTS) PARTITION BY RANGE ("occurred_at")`,
      );
      // The sequence must outlive the legacy partition, which retention drops.
      await queryRunner.query(`ALTER SEQUENCE "${table}_id_seq" OWNED BY "${table}"."id"`);
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${newPrimaryKey}" PRIMARY KEY ("id", "occurred_at")`,
      );
      // The same statements, on the new parent (they name the table, not the renamed one).
      for (const { definition } of indexes) {
        await queryRunner.query(definition);
      }
      const legacyEnd = nextPeriod(granularity, now, 1);
      const [{ empty }] = (await queryRunner.query(`SELECT NOT EXISTS (SELECT 1 FROM "${legacy}") AS empty`)) as {
        empty: boolean;
      }[];
      if (empty) {
        // A new install: nothing to keep, so the current period gets an ordinary partition.
        await queryRunner.query(`DROP TABLE "${legacy}"`);
        await queryRunner.query(
          `CREATE TABLE "${table}_p${suffixOf(granularity, nextPeriod(granularity, now, 0))}" PARTITION OF "${table}"
             FOR VALUES FROM ('${nextPeriod(granularity, now, 0).toISOString()}') TO ('${legacyEnd.toISOString()}')`,
        );
      } else {
        await queryRunner.query(
          `ALTER TABLE "${table}" ATTACH PARTITION "${legacy}" FOR VALUES FROM (MINVALUE) TO ('${legacyEnd.toISOString()}')`,
        );
      }
      for (let offset = 1; offset <= (granularity === 'day' ? 7 : 2); offset += 1) {
        const from = nextPeriod(granularity, now, offset);
        const to = nextPeriod(granularity, now, offset + 1);
        const suffix = from
          .toISOString()
          .slice(0, granularity === 'day' ? 10 : 7)
          .replaceAll('-', '');
        await queryRunner.query(
          `CREATE TABLE "${table}_p${suffix}" PARTITION OF "${table}"
             FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
      }
      await queryRunner.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
    }
  }

  /** Back to plain tables: the rows of every partition are copied into one table again. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, oldPrimaryKey, newPrimaryKey } of [...CONVERSIONS].reverse()) {
      const plain = `${table}_plain`;
      const indexes = await secondaryIndexes(queryRunner, table, newPrimaryKey);
      await queryRunner.query(`CREATE TABLE "${plain}" (LIKE "${table}" INCLUDING DEFAULTS)`);
      await queryRunner.query(`INSERT INTO "${plain}" SELECT * FROM "${table}"`);
      await queryRunner.query(`ALTER SEQUENCE "${table}_id_seq" OWNED BY "${plain}"."id"`);
      await queryRunner.query(`DROP TABLE "${table}"`);
      await queryRunner.query(`ALTER TABLE "${plain}" RENAME TO "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${oldPrimaryKey}" PRIMARY KEY ("id")`);
      for (const { definition } of indexes) {
        await queryRunner.query(definition.replace(/^CREATE INDEX (\S+) ON ONLY /, 'CREATE INDEX $1 ON '));
      }
    }
  }
}
