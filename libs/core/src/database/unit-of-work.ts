import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Optional } from '@nestjs/common';
import {
  DataSource,
  EntityManager,
  NamedPlaceholdersNotSupportedError,
  QueryFailedError,
  QueryResult,
  type QueryRunner,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';
import { AppConfig } from '../config/app-config';
import { StatementNames } from './statement-names';

/**
 * Rows a transaction appends and never reads back (audit entries, outbox events, an idempotency key's answer). They
 * are held until the transaction's work is done and then written, every kind together, in ONE statement just before
 * COMMIT: each statement is a round trip that holds the transaction's row locks a little longer, and on the busiest
 * write paths these appends were half of the statements.
 */
export interface AppendOnlyTable<Row> {
  /** Names the kind; rows of one kind are written by one statement, in the order they were appended. */
  readonly name: string;
  /**
   * One INSERT or UPDATE (never a SELECT: it becomes a data-modifying WITH query) writing all `rows`. Its
   * placeholders are renumbered when several kinds are combined, so they must be plain `$n` outside any string.
   */
  statement(rows: readonly Row[]): { readonly sql: string; readonly params: unknown[] };
}

interface Appended {
  readonly table: AppendOnlyTable<unknown>;
  readonly row: unknown;
}

interface Transaction {
  readonly manager: EntityManager;
  readonly appended: Appended[];
}

const transactionStorage = new AsyncLocalStorage<Transaction>();

/**
 * The ambient database transaction. Code that writes business rows, outbox events or idempotency records asks for
 * {@link manager}; whoever opened the unit of work decides when it commits. Nested `run` calls join the outer
 * transaction, so a service works the same whether an HTTP interceptor or a job opened the transaction.
 */
@Injectable()
export class UnitOfWork {
  /** Undefined when statements go unnamed (DATABASE_PREPARED_STATEMENTS=false, say behind a transaction-mode pool). */
  private readonly statementNames?: StatementNames;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() config?: AppConfig,
  ) {
    if (config?.database.preparedStatements ?? true) {
      this.statementNames = new StatementNames();
    }
  }

  private leanDecided?: boolean;

  /** Whether a transaction's statements may skip TypeORM's hooks (see {@link leanQueries}): nothing listens to them. */
  private get lean(): boolean {
    if (this.leanDecided === undefined) {
      const options = this.dataSource.options;
      this.leanDecided =
        options.type === 'postgres' &&
        this.dataSource.subscribers.length === 0 &&
        !options.logging &&
        !options.logger &&
        !options.maxQueryExecutionTime;
    }
    return this.leanDecided;
  }

  /** The transaction's manager when one is open, otherwise the pool's. */
  get manager(): EntityManager {
    return transactionStorage.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return transactionStorage.getStore() !== undefined;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = transactionStorage.getStore();
    if (current) {
      return work(current.manager);
    }
    return this.dataSource.transaction((manager) => {
      if (this.lean && manager.queryRunner) {
        leanQueries(manager.queryRunner, this.statementNames);
      }
      const transaction: Transaction = { manager, appended: [] };
      return transactionStorage.run(transaction, async () => {
        const result = await work(manager);
        await writeAppended(transaction);
        return result;
      });
    });
  }

  /** Holds `rows` for the open transaction's last statement (see {@link AppendOnlyTable}). */
  append<Row>(table: AppendOnlyTable<Row>, rows: readonly Row[]): void {
    const transaction = transactionStorage.getStore();
    if (!transaction) {
      throw new Error(
        `Rows for ${table.name} must be appended inside UnitOfWork.run(), in the transaction they belong to`,
      );
    }
    for (const row of rows) {
      transaction.appended.push({ table, row });
    }
  }
}

/**
 * One statement for every appended kind: each kind's statement in its own data-modifying WITH query, the last one
 * as the main statement. PostgreSQL runs the parts of such a statement in no promised order, which is why a kind's
 * rows never span two parts: within a part, its statement keeps their order.
 */
async function writeAppended(transaction: Transaction): Promise<void> {
  if (transaction.appended.length === 0) {
    return;
  }
  const byTable = new Map<AppendOnlyTable<unknown>, unknown[]>();
  for (const { table, row } of transaction.appended) {
    const rows = byTable.get(table);
    if (rows) {
      rows.push(row);
    } else {
      byTable.set(table, [row]);
    }
  }
  const params: unknown[] = [];
  const parts = [...byTable].map(([table, rows]) => {
    const statement = table.statement(rows);
    const offset = params.length;
    params.push(...statement.params);
    return offset === 0 ? statement.sql : statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = parts.pop()!;
  const sql = parts.length === 0 ? last : `WITH ${parts.map((part, i) => `a${i} AS (${part})`).join(', ')} ${last}`;
  await transaction.manager.query(sql, params);
}

/**
 * A transaction's statements straight to its pg client, as PostgresQueryRunner.query sends them and with the same
 * results and errors (QueryFailedError), less what nobody here listens to: the logger call (logging is off), the
 * subscribers' BeforeQuery/AfterQuery broadcasts and their awaited result (there are none), the slow-query clock. Each
 * was a few promises and objects per statement, and the courier's status door runs six a request
 * (docs/benchmarks.md, bench:http). Only used when {@link UnitOfWork} found no subscriber, logger or slow-query
 * threshold configured; begin, commit and rollback still go through the runner's own methods. A statement that
 * `names` names is sent as a prepared statement of that name (see {@link StatementNames}).
 */
function leanQueries(runner: QueryRunner, names: StatementNames | undefined): void {
  const connect = () => runner.connect() as Promise<{ query: PgQuery }>;
  runner.query = (async (query: string, parameters?: unknown[], useStructuredResult = false): Promise<unknown> => {
    if (runner.isReleased) {
      throw new QueryRunnerAlreadyReleasedError();
    }
    if (parameters && !Array.isArray(parameters)) {
      throw new NamedPlaceholdersNotSupportedError();
    }
    const connection = await connect();
    let raw: PgResult | undefined;
    try {
      const name = names?.nameFor(query);
      raw = await (name === undefined
        ? connection.query(query, parameters)
        : connection.query({ name, text: query, values: parameters }));
    } catch (error) {
      throw new QueryFailedError(query, parameters, error as Error);
    }
    const result = new QueryResult();
    if (!raw) {
      return result;
    }
    if (Object.prototype.hasOwnProperty.call(raw, 'rows')) {
      result.records = raw.rows;
    }
    if (Object.prototype.hasOwnProperty.call(raw, 'rowCount')) {
      result.affected = raw.rowCount as number;
    }
    result.raw = raw.command === 'DELETE' || raw.command === 'UPDATE' ? [raw.rows, raw.rowCount] : raw.rows;
    return useStructuredResult ? result : result.raw;
  }) as QueryRunner['query'];
}

interface PgResult {
  readonly command: string;
  readonly rows: unknown[];
  readonly rowCount: number | null;
}

interface PgQuery {
  (query: string, parameters?: unknown[]): Promise<PgResult | undefined>;
  (query: { name: string; text: string; values?: unknown[] }): Promise<PgResult | undefined>;
}
