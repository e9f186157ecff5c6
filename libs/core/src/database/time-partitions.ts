import type { DataSource, EntityManager } from 'typeorm';

/** How wide one partition is: a day for the busy IntegrationLog, a month for the audit tables. */
export type PartitionGranularity = 'day' | 'month';

/**
 * A table range-partitioned by a timestamptz column (`PARTITION BY RANGE (column)`). Partitions are named
 * `<table>_p<YYYYMMDD>` (days) or `<table>_p<YYYYMM>` (months) after their UTC start; `<table>_default` takes what
 * no partition covers, so an insert never fails; the migration's `<table>_legacy` holds the rows from before the
 * conversion (lower bound MINVALUE). Names are for people: retention reads the bounds from the catalog.
 */
export interface TimePartitionedTable {
  readonly table: string;
  readonly column: string;
  readonly granularity: PartitionGranularity;
  /** A partition goes once its whole range is older than this; at least 90 (the config enforces it). */
  readonly retentionDays: number;
  /** Partitions created ahead of the current one, so the default partition stays empty. */
  readonly ahead: number;
}

export interface TimePartition {
  readonly name: string;
  /** Null for MINVALUE (the legacy partition) and for the default partition. */
  readonly from: Date | null;
  readonly to: Date | null;
  readonly isDefault: boolean;
}

export interface PartitionMaintenance {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  /** Rows past retention deleted from the default partition, which should hold none. */
  readonly defaultRowsPurged: number;
  /** Rows the default partition still holds after the run (an estimate-free count; it should be 0). */
  readonly defaultRows: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** A DDL statement waits at most this long for its lock, so it never queues the table's writers behind it. */
const LOCK_TIMEOUT = '5s';

function identifier(name: string): string {
  if (!IDENTIFIER.test(name) || name.length > 63) {
    throw new Error(`Not a plain SQL identifier: ${name}`);
  }
  return `"${name}"`;
}

/** The UTC start of the period containing `at`. */
export function periodStart(granularity: PartitionGranularity, at: Date): Date {
  return granularity === 'day'
    ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
    : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The start of the period `count` periods after the one starting at `start`. */
export function addPeriods(granularity: PartitionGranularity, start: Date, count: number): Date {
  return granularity === 'day'
    ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + count))
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
}

/** `<table>_p20261206` or `<table>_p202612`. */
export function partitionName(spec: Pick<TimePartitionedTable, 'table' | 'granularity'>, start: Date): string {
  const digits = start.toISOString().slice(0, spec.granularity === 'day' ? 10 : 7);
  return `${spec.table}_p${digits.replaceAll('-', '')}`;
}

export function defaultPartitionName(table: string): string {
  return `${table}_default`;
}

/**
 * Creates and drops the time partitions of range-partitioned tables. Retention only ever drops whole partitions
 * (`DROP TABLE`, no row is deleted, no vacuum debt), except the default partition's stray rows, which it deletes
 * because that partition should hold none.
 */
export class TimePartitions {
  constructor(private readonly dataSource: DataSource) {}

  /** The table's partitions, oldest first, the default one last. */
  async list(table: string): Promise<TimePartition[]> {
    const rows = await this.dataSource.query<{ name: string; from: Date | null; to: Date | null; bound: string }[]>(
      `SELECT c.relname AS name, b.bound,
              (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz AS "from",
              (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz AS "to"
         FROM pg_inherits i
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace AND n.nspname = current_schema()
         JOIN pg_class c ON c.oid = i.inhrelid
        CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
        WHERE p.relname = $1
        ORDER BY b.bound = 'DEFAULT', 3 NULLS FIRST`,
      [table],
    );
    return rows.map((row) => ({ name: row.name, from: row.from, to: row.to, isDefault: row.bound === 'DEFAULT' }));
  }

  /**
   * Creates the partition of the period containing `at` unless a partition already covers that instant; rows the
   * default partition holds for the period move into it. Returns its name, or null when nothing was created.
   */
  async ensure(spec: TimePartitionedTable, at: Date): Promise<string | null> {
    await this.ensureDefault(spec.table);
    const start = periodStart(spec.granularity, at);
    const ranged = (await this.list(spec.table)).filter((partition) => !partition.isDefault);
    if (ranged.some((partition) => covers(partition, at))) {
      return null;
    }
    // Clip the period to its neighbours (the legacy partition may end inside it).
    const from = ranged
      .map((partition) => partition.to)
      .filter((to): to is Date => to !== null && to > start && to <= at)
      .reduce((latest, to) => (to > latest ? to : latest), start);
    const end = addPeriods(spec.granularity, start, 1);
    const to = ranged
      .map((partition) => partition.from)
      .filter((next): next is Date => next !== null && next > at && next < end)
      .reduce((earliest, next) => (next < earliest ? next : earliest), end);
    const name = partitionName(spec, from);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await this.createPartition(manager, spec, name, from, to);
    });
    return name;
  }

  /**
   * One maintenance pass: the default partition exists, the current period and `ahead` more have their partitions,
   * and every partition whose whole range is older than the retention is dropped.
   */
  async maintain(spec: TimePartitionedTable, now: Date, signal?: AbortSignal): Promise<PartitionMaintenance> {
    await this.ensureDefault(spec.table);
    const created: string[] = [];
    const current = periodStart(spec.granularity, now);
    for (let offset = 0; offset <= spec.ahead && !signal?.aborted; offset += 1) {
      const name = await this.ensure(spec, addPeriods(spec.granularity, current, offset));
      if (name) {
        created.push(name);
      }
    }
    const cutoff = new Date(now.getTime() - spec.retentionDays * 86_400_000);
    const dropped: string[] = [];
    for (const partition of await this.list(spec.table)) {
      if (signal?.aborted) {
        break;
      }
      if (!partition.isDefault && partition.to !== null && partition.to <= cutoff) {
        await this.dataSource.transaction(async (manager) => {
          await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await manager.query(`DROP TABLE ${identifier(partition.name)}`);
        });
        dropped.push(partition.name);
      }
    }
    const defaultTable = identifier(defaultPartitionName(spec.table));
    const column = identifier(spec.column);
    const [, defaultRowsPurged] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM ${defaultTable} WHERE ${column} < $1`,
      [cutoff],
    );
    const [{ count }] = await this.dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM ${defaultTable}`,
    );
    return { created, dropped, defaultRowsPurged, defaultRows: Number(count) };
  }

  /** Creates `<table>_default` if the table has no default partition. */
  async ensureDefault(table: string): Promise<void> {
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS ${identifier(defaultPartitionName(table))} PARTITION OF ${identifier(table)} DEFAULT`,
    );
  }

  private async createPartition(
    manager: EntityManager,
    spec: TimePartitionedTable,
    name: string,
    from: Date,
    to: Date,
  ): Promise<void> {
    const table = identifier(spec.table);
    const column = identifier(spec.column);
    const bounds = `FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`;
    const defaultTable = identifier(defaultPartitionName(spec.table));
    const [{ stray }] = await manager.query<{ stray: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM ${defaultTable} WHERE ${column} >= $1 AND ${column} < $2) AS stray`,
      [from, to],
    );
    if (!stray) {
      await manager.query(`CREATE TABLE ${identifier(name)} PARTITION OF ${table} ${bounds}`);
      return;
    }
    // The default partition already holds rows of this period (the job was down past the partitions made ahead):
    // PostgreSQL refuses a partition that would leave them misplaced, so they move into it first.
    await manager.query(`CREATE TABLE ${identifier(name)} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await manager.query(
      `WITH moved AS (DELETE FROM ${defaultTable} WHERE ${column} >= $1 AND ${column} < $2 RETURNING *)
       INSERT INTO ${identifier(name)} SELECT * FROM moved`,
      [from, to],
    );
    await manager.query(`ALTER TABLE ${table} ATTACH PARTITION ${identifier(name)} ${bounds}`);
  }
}

function covers(partition: TimePartition, at: Date): boolean {
  return (partition.from === null || partition.from <= at) && partition.to !== null && at < partition.to;
}
