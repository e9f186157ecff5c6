import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Role } from '@app/core';
import {
  CATALOG_IBLOCK,
  FakeBitrix24,
  FakeOnecExchange,
  type RecordingAlertPublisher,
  MASTER_DATA_MAPPING,
  type SmartProcessConfig,
  tokenFor,
} from '@app/testing';
import { startInProcessMiddleware, type InProcessMiddleware } from '../support/in-process-middleware';
import { webhookEnv, writeMappingFile } from '../bitrix24/bitrix24-harness';

export { MASTER_DATA_MAPPING } from '@app/testing';

export const EXCHANGE_LOGIN = '1c-exchange';
export const EXCHANGE_PASSWORD = 'exchange-password-for-tests';

export interface MasterDataHarness {
  readonly middleware: InProcessMiddleware;
  readonly fake: FakeBitrix24;
  readonly workDir: string;
  /** A fake 1C pointed at the running API's exchange endpoint. */
  onec(): FakeOnecExchange;
  /** A JSON request to the API as `role` (a courier token for `courierId`). */
  call(
    method: string,
    path: string,
    options?: { role?: Role; courierId?: string; body?: unknown; idempotencyKey?: string },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Rows of a table, for assertions on what the mirror holds. */
  query<T>(sql: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The API and a worker with the domain libs, the 1C exchange configured, and a fake Bitrix24 mapped as above.
 * `env` overrides environment variables; `mapping` replaces the mapping file's content.
 */
export async function startMasterDataHarness(
  options: {
    env?: Record<string, string>;
    mapping?: unknown;
    worker?: boolean;
    /** Smart processes the fake portal has (entity types and categories). */
    smartProcesses?: SmartProcessConfig[];
    /** Events the fake portal posts to the API's webhook receiver, as a UI-configured outgoing webhook. */
    outgoingEvents?: string[];
    /** The clock the time rules read, which the test moves forward. */
    clock?: Clock;
    /** Where the SLA monitors' alerts go. */
    alerts?: RecordingAlertPublisher;
  } = {},
): Promise<MasterDataHarness> {
  const fake = await FakeBitrix24.start({
    catalogIblockIds: [CATALOG_IBLOCK],
    ...(options.smartProcesses ? { smartProcesses: options.smartProcesses } : {}),
  });
  const hookToken = options.outgoingEvents
    ? fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] }).applicationToken
    : undefined;
  const workDir = await mkdtemp(join(tmpdir(), 'md-exchange-'));
  const middleware = await startInProcessMiddleware({
    domains: true,
    worker: options.worker ?? true,
    clock: options.clock,
    alerts: options.alerts,
    env: {
      ...webhookEnv(fake, { BITRIX24_MAPPING_FILE: writeMappingFile(options.mapping ?? MASTER_DATA_MAPPING) }),
      ONEC_EXCHANGE_LOGIN: EXCHANGE_LOGIN,
      ONEC_EXCHANGE_PASSWORD: EXCHANGE_PASSWORD,
      ONEC_EXCHANGE_WORK_DIR: workDir,
      ...(hookToken ? { BITRIX24_APPLICATION_TOKEN: hookToken } : {}),
      ...options.env,
    },
  });
  if (options.outgoingEvents) {
    fake.addOutgoingWebhook({
      url: `${middleware.api.url}/api/v1/webhooks/bitrix24`,
      events: options.outgoingEvents,
      applicationToken: hookToken,
    });
  }
  const { config } = middleware;
  return {
    middleware,
    fake,
    workDir,
    onec: () =>
      new FakeOnecExchange({ baseUrl: middleware.api.url, login: EXCHANGE_LOGIN, password: EXCHANGE_PASSWORD }),
    call: async (method, path, { role = 'admin', courierId, body, idempotencyKey } = {}) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${tokenFor(config, role, courierId === undefined ? {} : { courierId })}`,
      };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      if (idempotencyKey !== undefined) {
        headers['idempotency-key'] = idempotencyKey;
      }
      const response = await fetch(`${middleware.api.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
    query: (sql, parameters = []) => middleware.db.query(sql, parameters),
    close: async () => {
      await middleware.close();
      await fake.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
