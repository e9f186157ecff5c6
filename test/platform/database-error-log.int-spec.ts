import { Writable } from 'node:stream';
import { loggerOptions } from '@app/core';
import { createTestEnvironment, TestEnvironment } from '@app/testing';
import pinoHttp from 'pino-http';
import { DataSource, QueryFailedError } from 'typeorm';

/**
 * A failing query logged the way the problem filter and the import services log errors (`{ err }`), through the
 * pino options every process uses, into a captured stream: the JSON lines production would print.
 */
describe('Database errors in the log', () => {
  let env: TestEnvironment;
  let db: DataSource;
  const SECRET = 's3cret-refresh-token-value';

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    await db.query('CREATE TABLE logged_tokens (token text PRIMARY KEY)');
    await db.query('INSERT INTO logged_tokens (token) VALUES ($1)', [SECRET]);
  });
  afterAll(async () => {
    await db?.destroy();
    await env?.dispose();
  });

  function logged(error: unknown): Record<string, unknown> {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { logger } = pinoHttp(loggerOptions(env.config({ LOG_LEVEL: 'info' })), capture);
    logger.error({ err: error }, 'Unhandled error while serving POST /somewhere');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    return JSON.parse(lines[0]) as Record<string, unknown>;
  }

  it('keeps the query text, the code and the message of a failing query, not its parameters or row values', async () => {
    const error: unknown = await db
      .query('INSERT INTO logged_tokens (token) VALUES ($1)', [SECRET])
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(QueryFailedError);
    // PostgreSQL's DETAIL quotes the row: "Key (token)=(…) already exists".
    expect(JSON.stringify((error as QueryFailedError).driverError)).toContain(SECRET);

    const line = logged(error);
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      query: 'INSERT INTO logged_tokens (token) VALUES ($1)',
      code: '23505',
      message: expect.stringContaining('duplicate key value violates unique constraint'),
      driverError: { type: 'DatabaseError', code: '23505' },
    });
  });

  it('keeps the detail of errors that are not database errors', () => {
    const line = logged(Object.assign(new Error('Import step failed'), { detail: 'line 42 of offers.xml' }));
    expect(line.err).toMatchObject({ message: 'Import step failed', detail: 'line 42 of offers.xml' });
  });
});
