import { type AppendOnlyTable, UnitOfWork } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';

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
    const query = db.driver.createQueryRunner.bind(db.driver);
    // Count what reaches PostgreSQL from each transaction's query runner.
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
