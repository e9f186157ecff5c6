import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '@app/core';
import {
  createTestEnvironment,
  FakeOnecExchange,
  FakeOnecExchangeOptions,
  listen,
  ONEC_RECORDING_DDL,
  RecordingOnecPortsModule,
  RunningHttpApp,
  TestEnvironment,
  tokenFor,
} from '@app/testing';
import iconv from 'iconv-lite';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';

export const EXCHANGE_LOGIN = '1c-exchange';
export const EXCHANGE_PASSWORD = 'exchange-password-for-tests';

export function basic(login: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` };
}

export interface RawExchangeReply {
  readonly status: number;
  readonly headers: Headers;
  /** Decoded by the reply's charset. */
  readonly text: string;
}

/**
 * One GET to the exchange over plain HTTP, byte for byte what the caller chooses. `from` is the client's own
 * address (any of 127.0.0.0/8): a different source address, as the API sees it, without any proxy header.
 */
export function rawExchangeCall(
  harness: OnecHarness,
  query: string,
  { headers = {}, from, path = '/bitrix/admin/1c_exchange.php' }: RawCallOptions = {},
): Promise<RawExchangeReply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${harness.api.url}${path}?${query}`, { headers, localAddress: from }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const contentType = String(response.headers['content-type'] ?? '');
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(
            Object.entries(response.headers).flatMap(([name, value]) =>
              value === undefined ? [] : [[name, String(value)] as [string, string]],
            ),
          ),
          text: /windows-1251/.test(contentType) ? iconv.decode(bytes, 'win1251') : bytes.toString('utf8'),
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export interface RawCallOptions {
  readonly headers?: Record<string, string>;
  readonly from?: string;
  readonly path?: string;
}

export interface OnecHarness {
  readonly env: TestEnvironment;
  readonly config: AppConfig;
  readonly workDir: string;
  api: RunningHttpApp;
  db: DataSource;
  /** A fake 1C pointed at the running API. */
  client(options?: Partial<FakeOnecExchangeOptions>): FakeOnecExchange;
  /** Closes the API and starts a new one on the same database and work area (a restart). */
  restart(): Promise<void>;
  /** A second API replica on the same database and work area. */
  startReplica(): Promise<RunningHttpApp>;
  /** A worker on the same database and work area (it runs the exchange's recurring jobs). */
  startWorker(): Promise<RunningWorker>;
  adminGet<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real API with the exchange configured and the recording ports bound, on a fresh database and work area.
 * `overrides` are environment variables.
 */
export async function startOnecHarness(
  overrides: Record<string, string> = {},
  { recording = true }: { recording?: boolean } = {},
): Promise<OnecHarness> {
  const env = await createTestEnvironment();
  const workDir = await mkdtemp(join(tmpdir(), 'onec-exchange-'));
  const settings = {
    ONEC_EXCHANGE_LOGIN: EXCHANGE_LOGIN,
    ONEC_EXCHANGE_PASSWORD: EXCHANGE_PASSWORD,
    ONEC_EXCHANGE_WORK_DIR: workDir,
    ...overrides,
  };
  const config = env.config(settings);
  const start = async () => {
    const api = await listen(
      await createApiApplication(config, { imports: recording ? [RecordingOnecPortsModule] : [], domains: !recording }),
    );
    return { api, db: api.app.get(DataSource) };
  };
  const first = await start();
  await first.db.query(ONEC_RECORDING_DDL);
  const admin = { authorization: `Bearer ${tokenFor(config, 'admin')}` };
  const harness: OnecHarness = {
    env,
    config,
    workDir,
    ...first,
    client: (options = {}) =>
      new FakeOnecExchange({
        baseUrl: harness.api.url,
        login: EXCHANGE_LOGIN,
        password: EXCHANGE_PASSWORD,
        ...options,
      }),
    restart: async () => {
      await harness.api.close();
      const next = await start();
      harness.api = next.api;
      harness.db = next.db;
    },
    startReplica: async () => (await start()).api,
    startWorker: () => startWorker(env.config({ ...settings, WORKER_OPS_PORT: '0' })),
    adminGet: async <T>(path: string) => {
      const response = await fetch(`${harness.api.url}${path}`, { headers: admin });
      if (response.status !== 200) {
        throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as T;
    },
    close: async () => {
      await harness.api.close();
      await env.dispose();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return harness;
}
