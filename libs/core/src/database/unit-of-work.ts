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
  /** On the lean path: holds the appended rows' statement back, to go out with COMMIT (see {@link leanQueries}). */
  readonly sendWithCommit?: (sql: string, params: unknown[]) => void;
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
    if (!this.lean) {
      return this.dataSource.transaction((manager) => within({ manager, appended: [] }, work));
    }
    // A runner of our own, made lean before the transaction starts, so that its START TRANSACTION goes lean too.
    const runner = this.dataSource.createQueryRunner();
    const { sendWithCommit } = leanQueries(runner, this.statementNames);
    try {
      return await runner.manager.transaction((manager) => within({ manager, appended: [], sendWithCommit }, work));
    } finally {
      await runner.release();
    }
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

function within<T>(transaction: Transaction, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return transactionStorage.run(transaction, async () => {
    const result = await work(transaction.manager);
    await writeAppended(transaction);
    return result;
  });
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
  if (transaction.sendWithCommit) {
    transaction.sendWithCommit(sql, params);
  } else {
    await transaction.manager.query(sql, params);
  }
}

const BEGIN = 'START TRANSACTION';

interface Statement {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

/**
 * A transaction's statements straight to its pg client, as PostgresQueryRunner.query sends them and with the same
 * results and errors (QueryFailedError), less what nobody here listens to: the logger call (logging is off), the
 * subscribers' BeforeQuery/AfterQuery broadcasts and their awaited result (there are none), the slow-query clock. Each
 * was a few promises and objects per statement, and the courier's status door runs six a request
 * (docs/benchmarks.md, bench:http). Only used when {@link UnitOfWork} found no subscriber, logger or slow-query
 * threshold configured. A statement that `names` names is sent as a prepared statement of that name (see
 * {@link StatementNames}).
 *
 * Two statements ride with their neighbours instead of making round trips of their own, which on the webhook halves
 * them (four to two) and on the status door cuts six to four:
 * - START TRANSACTION is held until the transaction's first statement and written with it, in one write, before
 *   either is answered. A transaction that sends nothing sends no START TRANSACTION and no COMMIT either.
 * - The appended rows' statement (`sendWithCommit`) is held until COMMIT and written with it. When it fails,
 *   PostgreSQL answers the COMMIT as a ROLLBACK: nothing is committed, and its error is the one raised.
 * A held statement never waits for anything but its neighbour: whatever comes next after it, COMMIT or not, takes it
 * along; ROLLBACK drops it.
 */
function leanQueries(runner: QueryRunner, names: StatementNames | undefined) {
  const connect = () => runner.connect() as Promise<PgClient>;
  let held: Statement | undefined;
  // Statements run one after the other, in the order asked, as pg's own queue would run them: two asked at once
  // (say under Promise.all) must not race for the held START TRANSACTION, nor one go out while a pair is pipelined.
  let previous: Promise<unknown> = Promise.resolve();
  const execute = async (query: string, parameters?: unknown[], useStructuredResult = false): Promise<unknown> => {
    if (runner.isReleased) {
      throw new QueryRunnerAlreadyReleasedError();
    }
    if (parameters && !Array.isArray(parameters)) {
      throw new NamedPlaceholdersNotSupportedError();
    }
    if (query === BEGIN) {
      held = { text: BEGIN };
      return shaped(undefined, useStructuredResult);
    }
    const before = held;
    held = undefined;
    const ending = query === 'COMMIT' || query === 'ROLLBACK';
    if (ending && before?.text === BEGIN) {
      // Nothing was sent in this transaction: there is nothing to end.
      return shaped(undefined, useStructuredResult);
    }
    const statement: Statement = { text: query, values: parameters, name: names?.nameFor(query) };
    const connection = await connect();
    let raw: PgResult | undefined;
    try {
      raw = await (before && query !== 'ROLLBACK'
        ? together(connection, before, statement)
        : send(connection, statement));
    } catch (error) {
      if (error instanceof HeldStatementFailed) {
        throw new QueryFailedError(error.statement.text, error.statement.values, error.cause);
      }
      throw new QueryFailedError(query, parameters, error as Error);
    }
    return shaped(raw, useStructuredResult);
  };
  runner.query = ((query: string, parameters?: unknown[], useStructuredResult?: boolean) => {
    const result = previous.then(() => execute(query, parameters, useStructuredResult));
    previous = result.catch(() => undefined);
    return result;
  }) as QueryRunner['query'];
  return {
    sendWithCommit: (sql: string, params: unknown[]) => {
      held = { text: sql, values: params, name: names?.nameFor(sql) };
    },
  };
}

/** A held statement's failure, told apart from its neighbour's so that the error names the right statement. */
class HeldStatementFailed extends Error {
  constructor(
    readonly statement: Statement,
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}

function send(client: PgClient, { text, values, name }: Statement): Promise<PgResult | undefined> {
  return name === undefined ? client.query(text, values) : client.query({ name, text, values });
}

/**
 * `first` and `second` in one write, the second not waiting for the first's answer: pg's pipeline mode (8.23) for
 * the two, and the socket corked around them. pg gives each its own Sync, so an error in the first does not swallow
 * the second: inside a transaction PostgreSQL refuses or rolls back what follows an error by itself.
 */
async function together(client: PgClient, first: Statement, second: Statement): Promise<PgResult | undefined> {
  client.pipeline = true;
  try {
    const stream = client.connection?.stream;
    stream?.cork();
    let answers: [Promise<PgResult | undefined>, Promise<PgResult | undefined>];
    try {
      answers = [send(client, first), send(client, second)];
    } finally {
      stream?.uncork();
    }
    // Both answered before the client leaves pipeline mode: pg reads the second's answer only in that mode.
    const [firstAnswer, secondAnswer] = await Promise.allSettled(answers);
    if (firstAnswer.status === 'rejected') {
      throw new HeldStatementFailed(first, firstAnswer.reason as Error);
    }
    if (secondAnswer.status === 'rejected') {
      throw secondAnswer.reason as Error;
    }
    return secondAnswer.value;
  } finally {
    client.pipeline = false;
  }
}

/** A pg result as PostgresQueryRunner.query shapes it. */
function shaped(raw: PgResult | undefined, useStructuredResult: boolean): unknown {
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
}

interface PgResult {
  readonly command: string;
  readonly rows: unknown[];
  readonly rowCount: number | null;
}

/** The parts of pg's Client used here; `pipeline` and `connection.stream` are pg's own (8.23), not in its types. */
interface PgClient {
  pipeline: boolean;
  readonly connection?: { readonly stream?: { cork(): void; uncork(): void } };
  query(query: string, parameters?: unknown[]): Promise<PgResult | undefined>;
  query(query: { name: string; text: string; values?: unknown[] }): Promise<PgResult | undefined>;
}
