import { AppConfig } from '@app/core';
import { createTestEnvironment, listen, RunningHttpApp, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { PlatformProbeModule, PROBE_TABLE_DDL } from './platform-probe.module';

export interface ApiHarness {
  readonly env: TestEnvironment;
  readonly config: AppConfig;
  readonly http: RunningHttpApp;
  readonly url: string;
  readonly db: DataSource;
  close(): Promise<void>;
}

/** Boots the real API (with the platform probe routes) on an ephemeral port against a fresh database. */
export async function startApiHarness(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const env = await createTestEnvironment();
  const config = env.config(overrides);
  const http = await listen(await createApiApplication(config, { imports: [PlatformProbeModule] }));
  const db = http.app.get(DataSource);
  await db.query(PROBE_TABLE_DDL);
  return {
    env,
    config,
    http,
    url: http.url,
    db,
    close: async () => {
      await http.close();
      await env.dispose();
    },
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}
