import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestEnvironment,
  FakeOnecExchange,
  generateCommerceMl,
  ONEC_RECORDING_DDL,
  TestEnvironment,
  waitFor,
} from '@app/testing';
import { Client } from 'pg';
import { EXCHANGE_LOGIN, EXCHANGE_PASSWORD } from './onec-harness';

const ENTRYPOINT = join(
  __dirname,
  '..',
  '..',
  'dist',
  'libs',
  'testing',
  'src',
  'fakes',
  'onec',
  'recording-api.main.js',
);

/** The API as a real process (from the build), with the recording ports; killed with SIGKILL, never stopped. */
class ApiProcess {
  output = '';
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(env: Record<string, string>): Promise<{ process: ApiProcess; url: string }> {
    const child = spawn(process.execPath, [ENTRYPOINT], {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new ApiProcess(child);
    const url = await waitFor(() => Promise.resolve(/listening on (http:\/\/\S+)/.exec(api.output)?.[1]), {
      what: `the recording API to listen (output: ${api.output.slice(-2000)})`,
    });
    return { process: api, url: url.replace('[::1]', '127.0.0.1') };
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}

describe('the API as a real process (from the build)', () => {
  let env: TestEnvironment;
  let workDir: string;
  let db: Client;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment();
    workDir = await mkdtemp(join(tmpdir(), 'onec-crash-'));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await db.query(ONEC_RECORDING_DDL);
  });
  afterAll(async () => {
    await api?.kill();
    await db?.end();
    await env?.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  const processEnv = (): Record<string, string> => ({
    ...env.env,
    LOG_LEVEL: 'info',
    PORT: '0',
    ONEC_EXCHANGE_LOGIN: EXCHANGE_LOGIN,
    ONEC_EXCHANGE_PASSWORD: EXCHANGE_PASSWORD,
    ONEC_EXCHANGE_WORK_DIR: workDir,
    ONEC_EXCHANGE_IMPORT_SLICE_MS: '10',
    // 10 ms slices make thousands of import steps, past the exchange's 1,200 a minute on a fast machine (production's
    // 5 s slices make about 12): a 429 would stall the loop below, and it is not what this test is about.
    RATE_LIMIT_ONEC_EXCHANGE: '1000000',
  });

  it('resumes in the restarted process and delivers every record exactly once', async () => {
    const generated = await generateCommerceMl({ directory: workDir, products: 6_000, seed: 3 });
    let started = await ApiProcess.start(processEnv());
    api = started.process;
    const client = new FakeOnecExchange({ baseUrl: started.url, login: EXCHANGE_LOGIN, password: EXCHANGE_PASSWORD });
    expect((await client.checkauth('catalog')).lines[0]).toBe('success');
    const { fileLimit } = await client.init('catalog');
    expect(
      (await client.upload('catalog', { name: 'import0_1.xml', path: generated.importPath }, fileLimit)).reply.lines[0],
    ).toBe('success');

    let kills = 0;
    let reply: string | undefined;
    for (let call = 1; reply !== 'success'; call += 1) {
      expect(call).toBeLessThan(20_000);
      if (call % 3 === 2 && kills < 3) {
        // Killed while this step is (most likely) delivering a batch.
        const victim = api;
        setTimeout(() => void victim.kill(), 2 + kills * 3);
        kills += 1;
      }
      try {
        const answer = await client.call('catalog', 'import', { filename: 'import0_1.xml' });
        reply = answer.lines[0];
        expect(reply).not.toBe('failure');
      } catch {
        // The connection died with the process; 1C would repeat the call against the restarted API.
        await api.kill();
        started = await ApiProcess.start(processEnv());
        api = started.process;
        client.baseUrl = started.url;
      }
      if (api.child.exitCode !== null || api.child.signalCode !== null) {
        started = await ApiProcess.start(processEnv());
        api = started.process;
        client.baseUrl = started.url;
      }
    }
    expect(kills).toBe(3);

    const expected = Object.values(generated.importCounts).reduce((sum, count) => sum + count, 0);
    const { rows } = await db.query<{ total: number; distinct: number; processes: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT ordinal)::int AS distinct, count(DISTINCT pid)::int AS processes
         FROM test_onec_catalog_records`,
    );
    expect({ total: rows[0].total, distinct: rows[0].distinct }).toEqual({ total: expected, distinct: expected });
    expect(rows[0].processes).toBeGreaterThanOrEqual(2);
    const session = await db.query<{ records_imported: string; state: string }>(
      'SELECT records_imported, state FROM onec_exchange_sessions',
    );
    expect(session.rows).toEqual([{ records_imported: String(expected), state: 'importing' }]);
    // Four API processes started from the build and 6,000 products: past the suite's minute on a loaded 2-core box.
  }, 180_000);

  it('logs a refused login as one security line without the password or credentials', async () => {
    await api?.kill();
    const { process: started, url } = await ApiProcess.start({ ...processEnv(), LOG_LEVEL: 'warn' });
    api = started;
    const password = 'not-the-password-7f3a';
    const reply = await fetch(`${url}/bitrix/admin/1c_exchange.php?type=catalog&mode=checkauth`, {
      headers: { authorization: `Basic ${Buffer.from(`${EXCHANGE_LOGIN}:${password}`).toString('base64')}` },
    });
    expect(await reply.text()).toBe('failure\nAUTH_FAILED: Wrong exchange login or password');
    const line = await waitFor(
      () => Promise.resolve(api!.output.split('\n').find((entry) => entry.includes('onec_exchange_refused'))),
      { what: 'the security log line' },
    );
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      security: 'onec_exchange_refused',
      reason: 'bad_credentials',
      remoteAddress: '127.0.0.1',
      loginMatched: true,
      msg: '1C exchange request refused: wrong exchange login or password',
    });
    expect(api.output).not.toContain(password);
    expect(api.output).not.toContain(Buffer.from(`${EXCHANGE_LOGIN}:${password}`).toString('base64'));
  });
});
