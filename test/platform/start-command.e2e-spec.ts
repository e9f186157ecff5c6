import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  deleteRedisKeys,
  freePort,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  testDatabaseName,
  testRedisPrefix,
  waitFor,
  withAdminClient,
} from '@app/testing';

/**
 * The README's run command (`npm start` = scripts/start.mjs) on a database that does not exist yet: it must create
 * it, apply migrations, start both apps, and serve readiness and Swagger UI within 60 seconds.
 */
describe('npm start', () => {
  const id = `start${randomBytes(4).toString('hex')}`;
  const database = testDatabaseName(id);
  let launcher: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (launcher && launcher.exitCode === null) {
      launcher.kill('SIGKILL');
    }
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await deleteRedisKeys(TEST_REDIS_URL, `${testRedisPrefix(id)}*`);
  });

  it('creates the database, migrates, and serves /health/ready and /docs within 60 s; Ctrl-C stops both apps', async () => {
    const port = await freePort();
    const started = Date.now();
    launcher = spawn(process.execPath, [join(__dirname, '..', '..', 'scripts', 'start.mjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `${TEST_POSTGRES_URL}/${database}`,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: testRedisPrefix(id),
        PORT: String(port),
        WORKER_OPS_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const ready = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        return response.status === 200 && ((await response.json()) as { status: string });
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the API to be ready' },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.slice(-3000)}`);
    });
    expect(ready.status).toBe('ok');
    const docs = await fetch(`http://127.0.0.1:${port}/docs`);
    expect(docs.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(output).toContain('Created the database because it did not exist');
    expect(output).toMatch(/Applied \d+ migration\(s\)/);
    expect(output).toMatch(/Worker started/);

    const exited = new Promise<number | null>((resolve) => launcher!.once('exit', (code) => resolve(code)));
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 90_000);
});
