import { type AppConfig, type AppendOnlyTable, UnitOfWork } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { Client } from 'pg';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PgQuery = require('pg/lib/query') as PgQueryClass;
import { DataSource, type EntityManager, QueryFailedError, QueryResult } from 'typeorm';

/** pg's Query class (not in pg's types): what a client writes for one statement and reads back. */
interface PgQueryClass {
  new (): PgQuery;
  prototype: PgQuery;
}
interface PgQuery {
  text: string;
  submit(...args: unknown[]): unknown;
  handleReadyForQuery(...args: unknown[]): unknown;
  handleError(...args: unknown[]): unknown;
}

/** Rows appended to a transaction: written in its last statement, in order, and never without the transaction. */
describe('UnitOfWork appends', () => {
  let env: TestEnvironment;
  let db: DataSource;
  let unitOfWork: UnitOfWork;
  const statements: string[] = [];

  const table = (name: string): AppendOnlyTable<string> => ({
    name,
    statement: (values) => ({
      sql: `INSERT INTO ${name} (value) SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS x(v, n) ORDER BY n`,
      params: [values],
    }),
  });
  const notes = table('appended_notes');
  const marks = table('appended_marks');

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    for (const name of ['appended_notes', 'appended_marks', 'business_rows']) {
      await db.query(`CREATE TABLE ${name} (id bigserial PRIMARY KEY, value text NOT NULL)`);
    }
    unitOfWork = new UnitOfWork(db);
    // Count what reaches PostgreSQL, at pg's client: a transaction's statements may bypass the query runner's own
    // query method (UnitOfWork's lean path), never the client.
    const query = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;
    jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const text = args[0];
      statements.push(typeof text === 'string' ? text : String((text as { text?: string }).text));
      return query.apply(this, args);
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await db?.destroy();
    await env?.dispose();
  });
  beforeEach(async () => {
    statements.length = 0;
    await db.query('TRUNCATE appended_notes, appended_marks, business_rows');
  });

  const values = async (name: string) =>
    (await db.query<{ value: string }[]>(`SELECT value FROM ${name} ORDER BY id`)).map((row) => row.value);

  it('writes every appended kind in one statement after the work, each kind in the order appended', async () => {
    await unitOfWork.run(async (manager) => {
      unitOfWork.append(notes, ['n1', 'n2']);
      unitOfWork.append(marks, ['m1']);
      unitOfWork.append(notes, ['n3']);
      await manager.query(`INSERT INTO business_rows (value) VALUES ('b')`);
      // Nothing appended is visible inside the transaction before its end: it has not been written yet.
      expect(await manager.query('SELECT count(*)::int AS n FROM appended_notes')).toEqual([{ n: 0 }]);
    });
    const sent = [...statements];

    expect(await values('appended_notes')).toEqual(['n1', 'n2', 'n3']);
    expect(await values('appended_marks')).toEqual(['m1']);
    const appending = sent.filter((sql) => sql.includes('unnest'));
    expect(appending).toHaveLength(1);
    expect(appending[0]).toMatch(
      /^WITH a0 AS \(INSERT INTO appended_notes .*\$1::text\[\].*\) INSERT INTO appended_marks .*\$2::text\[\]/s,
    );
    // The appends come after the work's own statements and before COMMIT.
    expect(sent.slice(-2)).toEqual([appending[0], 'COMMIT']);
  });

  it("answers a transaction's statements as TypeORM's query runner does: rows, UPDATE's pair, QueryFailedError", async () => {
    await unitOfWork
      .run(async (manager) => {
        expect(await manager.query(`INSERT INTO business_rows (value) VALUES ('x') RETURNING value`)).toEqual([
          { value: 'x' },
        ]);
        expect(await manager.query(`UPDATE business_rows SET value = 'y' RETURNING value`)).toEqual([
          [{ value: 'y' }],
          1,
        ]);
        const structured = await manager.queryRunner!.query('SELECT value FROM business_rows', [], true);
        expect(structured).toBeInstanceOf(QueryResult);
        expect(structured).toMatchObject({ records: [{ value: 'y' }], affected: 1 });
        await expect(manager.query('SELECT * FROM no_such_table')).rejects.toBeInstanceOf(QueryFailedError);
      })
      .catch(() => undefined);
    expect(await values('business_rows')).toEqual([]);
  });

  it('writes nothing when the work fails', async () => {
    await expect(
      unitOfWork.run(async (manager) => {
        await manager.query(`INSERT INTO business_rows (value) VALUES ('b')`);
        unitOfWork.append(notes, ['lost']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await values('appended_notes')).toEqual([]);
    expect(await values('business_rows')).toEqual([]);
  });

  it('lets nested units join the outer transaction and writes their rows once, at its end', async () => {
    await unitOfWork.run(async () => {
      await unitOfWork.run(() => {
        unitOfWork.append(notes, ['inner']);
        return Promise.resolve();
      });
      expect(statements.some((sql) => sql.includes('unnest'))).toBe(false);
      unitOfWork.append(notes, ['outer']);
    });
    expect(await values('appended_notes')).toEqual(['inner', 'outer']);
  });

  it('refuses rows outside a transaction', () => {
    expect(() => unitOfWork.append(notes, ['orphan'])).toThrow(/inside UnitOfWork.run/);
  });
});

/** A transaction's repeated statements are prepared on their connection, answer the same, and survive migrations. */
describe('UnitOfWork prepared statements', () => {
  let env: TestEnvironment;
  let db: DataSource;
  const insert = 'INSERT INTO prepared_rows (value) VALUES ($1) RETURNING id, value';

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    await db.query('CREATE TABLE prepared_rows (id bigserial PRIMARY KEY, value text NOT NULL UNIQUE)');
  });
  afterAll(async () => {
    await db?.destroy();
    await env?.dispose();
  });
  beforeEach(() => db.query('TRUNCATE prepared_rows'));

  /** Runs `insert` for `value` in a transaction of its own; answers its rows and the connection's prepared texts. */
  const insertIn = (unitOfWork: UnitOfWork, value: string) =>
    unitOfWork.run(async (manager) => ({
      rows: (await manager.query<{ id: string; value: string }[]>(insert, [value])).map((row) => row.value),
      prepared: await manager.query<{ name: string; statement: string }[]>(
        'SELECT name, statement FROM pg_prepared_statements',
      ),
    }));

  it('prepares a statement from its third run on, with the same answers', async () => {
    const unitOfWork = new UnitOfWork(db);
    const runs = [];
    for (const value of ['a', 'b', 'c', 'd']) {
      runs.push(await insertIn(unitOfWork, value));
    }

    expect(runs.map((run) => run.rows)).toEqual([['a'], ['b'], ['c'], ['d']]);
    // The first two went unnamed; from the third on, whichever pooled connection runs it holds it prepared.
    expect(runs.slice(0, 2).flatMap((run) => run.prepared.filter((p) => p.statement === insert))).toEqual([]);
    for (const run of runs.slice(2)) {
      expect(run.prepared).toEqual(
        expect.arrayContaining([{ name: expect.stringMatching(/^mm_[0-9a-f]{40}$/), statement: insert }]),
      );
    }
  });

  it('runs a prepared statement again after a migration added a column, and fails it as before', async () => {
    const unitOfWork = new UnitOfWork(db);
    for (const value of ['a', 'b', 'c']) {
      await insertIn(unitOfWork, value);
    }
    await db.query('ALTER TABLE prepared_rows ADD COLUMN added_later text');
    try {
      expect((await insertIn(unitOfWork, 'd')).rows).toEqual(['d']);
      // An error on execution is the same QueryFailedError, and the prepared statement stays usable.
      await expect(insertIn(unitOfWork, 'd')).rejects.toBeInstanceOf(QueryFailedError);
      expect((await insertIn(unitOfWork, 'e')).rows).toEqual(['e']);
    } finally {
      await db.query('ALTER TABLE prepared_rows DROP COLUMN added_later');
    }
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off', async () => {
    // Connections of their own: the other tests' may hold prepared statements already.
    const fresh = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    try {
      const unitOfWork = new UnitOfWork(fresh, { database: { preparedStatements: false } } as AppConfig);
      const runs = [];
      for (const value of ['a', 'b', 'c', 'd']) {
        runs.push(await insertIn(unitOfWork, value));
      }

      expect(runs.map((run) => run.rows)).toEqual([['a'], ['b'], ['c'], ['d']]);
      expect(runs.flatMap((run) => run.prepared)).toEqual([]);
    } finally {
      await fresh.destroy();
    }
  });
});

/** START TRANSACTION and the appended rows ride with their neighbours: two round trips saved, the same outcomes. */
describe('UnitOfWork round trips', () => {
  let env: TestEnvironment;
  let db: DataSource;
  let unitOfWork: UnitOfWork;
  /** What went on the wire and came back, in order: `sent <text>` when written, `answered`/`failed <text>` after. */
  const wire: string[] = [];
  const short = (text: string) => text.replace(/^(\w+(?: \w+)? \w+).*$/s, '$1');
  const checked: AppendOnlyTable<string> = {
    name: 'checked_rows',
    statement: (values) => ({
      sql: 'INSERT INTO checked_rows (value) SELECT unnest($1::text[])',
      params: [values],
    }),
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    // One connection: whatever a transaction leaves behind on it, the next one meets.
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl, extra: { max: 1 } }).initialize();
    await db.query('CREATE TABLE business_rows (id bigserial PRIMARY KEY, value text NOT NULL)');
    await db.query(`CREATE TABLE checked_rows (value text NOT NULL CHECK (value <> 'refused'))`);
    unitOfWork = new UnitOfWork(db);
    // pg's own Query: submit() writes the statement to the socket; handleReadyForQuery() ends its answer, or
    // handleError() its failure.
    const { submit, handleReadyForQuery: answered, handleError: failed } = PgQuery.prototype;
    jest.spyOn(PgQuery.prototype, 'submit').mockImplementation(function (this: PgQuery, ...args: unknown[]) {
      wire.push(`sent ${short(this.text)}`);
      return submit.apply(this, args);
    });
    jest.spyOn(PgQuery.prototype, 'handleReadyForQuery').mockImplementation(function (this: PgQuery, ...args) {
      wire.push(`answered ${short(this.text)}`);
      return answered.apply(this, args);
    });
    jest.spyOn(PgQuery.prototype, 'handleError').mockImplementation(function (this: PgQuery, ...args) {
      wire.push(`failed ${short(this.text)}`);
      return failed.apply(this, args);
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await db?.destroy();
    await env?.dispose();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE business_rows, checked_rows');
    wire.length = 0;
  });

  const count = async (table: string) =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const business = (manager: EntityManager, value: string) =>
    manager.query('INSERT INTO business_rows (value) VALUES ($1)', [value]);

  it('sends START TRANSACTION with the first statement and the appended rows with COMMIT', async () => {
    await unitOfWork.run(async (manager) => {
      await business(manager, 'first');
      await business(manager, 'second');
      unitOfWork.append(checked, ['kept']);
    });

    // Two round trips of the four statements' six: each pair written before its first is answered.
    expect(wire).toEqual([
      'sent START TRANSACTION',
      'sent INSERT INTO business_rows',
      'answered START TRANSACTION',
      'answered INSERT INTO business_rows',
      'sent INSERT INTO business_rows',
      'answered INSERT INTO business_rows',
      'sent INSERT INTO checked_rows',
      'sent COMMIT',
      'answered INSERT INTO checked_rows',
      'answered COMMIT',
    ]);
    expect([await count('business_rows'), await count('checked_rows')]).toEqual([2, 1]);
  });

  it('runs statements asked for at once one after the other, all inside the transaction', async () => {
    await expect(
      unitOfWork.run(async (manager) => {
        await Promise.all([business(manager, 'a'), business(manager, 'b'), business(manager, 'c')]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');

    // None of them went out before START TRANSACTION (it would have committed on its own), nor beside a pipelined pair.
    expect(await count('business_rows')).toBe(0);
    expect(wire.slice(0, 4)).toEqual([
      'sent START TRANSACTION',
      'sent INSERT INTO business_rows',
      'answered START TRANSACTION',
      'answered INSERT INTO business_rows',
    ]);
    await unitOfWork.run((manager) => Promise.all([business(manager, 'd'), business(manager, 'e')]));
    expect(await count('business_rows')).toBe(2);
  });

  it('sends nothing at all for a transaction that has nothing to send', async () => {
    expect(await unitOfWork.run(() => Promise.resolve('answer'))).toBe('answer');
    await expect(unitOfWork.run(() => Promise.reject(new Error('before any statement')))).rejects.toThrow(
      'before any statement',
    );
    expect(wire).toEqual([]);
  });

  it('commits nothing when the appended rows fail with COMMIT, raises their error, and leaves the connection clean', async () => {
    const failure = unitOfWork.run(async (manager) => {
      await business(manager, 'lost');
      unitOfWork.append(checked, ['refused']);
    });

    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({
      query: expect.stringContaining('checked_rows') as string,
      driverError: expect.objectContaining({ code: '23514' }) as unknown,
    });
    expect([await count('business_rows'), await count('checked_rows')]).toEqual([0, 0]);
    // The one pooled connection is out of any transaction: the next unit of work commits on it.
    await unitOfWork.run((manager) => business(manager, 'next'));
    expect(await count('business_rows')).toBe(1);
  });

  it('rolls back when the first statement, sent with START TRANSACTION, fails', async () => {
    await expect(
      unitOfWork.run(async (manager) => {
        await manager.query('INSERT INTO no_such_table (value) VALUES ($1)', ['x']);
      }),
    ).rejects.toMatchObject({
      query: expect.stringContaining('no_such_table') as string,
      driverError: expect.objectContaining({ code: '42P01' }) as unknown,
    });

    expect(wire).toEqual([
      'sent START TRANSACTION',
      'sent INSERT INTO no_such_table',
      'answered START TRANSACTION',
      'failed INSERT INTO no_such_table',
      'sent ROLLBACK',
      'answered ROLLBACK',
    ]);
    await unitOfWork.run((manager) => business(manager, 'next'));
    expect(await count('business_rows')).toBe(1);
  });
});
