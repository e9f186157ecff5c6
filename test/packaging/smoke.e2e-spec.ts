/**
 * `npm run smoke` against the apps (the API with the domain libs and a worker, in this process): passes, and fails
 * with one line naming why against a wrong token or a drifted contract. The CLI's own argument handling and exit
 * code are checked by running the compiled script (the global set-up builds dist/).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mintDevelopmentToken } from '@app/core';
import { parse, stringify } from 'yaml';
import { runSmoke } from '../../scripts/smoke';
import { type InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

const ROOT = join(__dirname, '..', '..');
const OPENAPI = join(ROOT, 'openapi.yaml');

describe('npm run smoke', () => {
  let middleware: InProcessMiddleware;
  let token: string;
  let courierToken: string;
  let dir: string;

  beforeAll(async () => {
    middleware = await startInProcessMiddleware({ domains: true });
    token = mintDevelopmentToken(middleware.config, { subject: 'smoke', roles: ['1c', 'admin'], ttl: '10m' });
    courierToken = mintDevelopmentToken(middleware.config, {
      subject: 'smoke-courier',
      roles: ['courier'],
      courierId: 'c-1',
      ttl: '10m',
    });
    dir = mkdtempSync(join(tmpdir(), 'smoke-'));
  });
  afterAll(async () => {
    await middleware?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes against the running system and leaves its delivery cancelled', async () => {
    const result = await runSmoke({ baseUrl: middleware.api.url, token, courierToken, openapiFile: OPENAPI });
    expect(result.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary).toMatch(/^PASS/);

    const deliveries = await middleware.db.query<{ status: string }[]>(
      `SELECT status FROM deliveries WHERE document_number LIKE 'SMOKE-%'`,
    );
    expect(deliveries.map((row) => row.status)).toEqual(['cancelled']);
  });

  it('fails with one line naming the auth check when the token is wrong (the CLI exits 1)', async () => {
    const run = promisify(execFile);
    const error = (await run(
      process.execPath,
      [join(ROOT, 'dist/scripts/smoke.js'), '--base-url', middleware.api.url, '--token', 'not-a-token'],
      { cwd: ROOT },
    ).catch((failure: unknown) => failure)) as { code?: number; stdout?: string };
    expect(error.code).toBe(1);
    const last = (error.stdout ?? '').trim().split('\n').at(-1);
    expect(last).toMatch(/^FAIL auth: the token is accepted .*HTTP 401/);
  });

  it('fails naming the drift when the committed contract differs from the served one', async () => {
    const drifted = parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, unknown> };
    delete drifted.paths['/api/v1/deliveries/{id}/ack'];
    const file = join(dir, 'openapi.yaml');
    writeFileSync(file, stringify(drifted));
    const result = await runSmoke({ baseUrl: middleware.api.url, token, openapiFile: file });
    expect(result.ok).toBe(false);
    expect(result.summary).toBe(
      `FAIL the served OpenAPI equals the committed contract: contract drift at /paths//api/v1/deliveries/{id}/ack ` +
        `(served, not committed) (committed ${file})`,
    );
  });
});
