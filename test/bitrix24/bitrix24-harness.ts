import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, UnitOfWork } from '@app/core';
import { bitrix24UpsertEvent, type UpsertRequest } from '@app/bitrix24';
import { EventPublisher } from '@app/events';
import { CATALOG_IBLOCK, type FakeBitrix24, type OAuthSettings } from '@app/testing';

export { CATALOG_IBLOCK } from '@app/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { stringify } from 'yaml';

export const DELIVERY_TYPE = 1036;
export const DELIVERY_CATEGORY = 12;

/** The smart process the fake portal needs for the mapping below. */
export const FAKE_SMART_PROCESSES = [{ entityTypeId: DELIVERY_TYPE, categories: [{ id: DELIVERY_CATEGORY }] }];

export const TEST_MAPPING = {
  entities: {
    delivery: {
      entityTypeId: DELIVERY_TYPE,
      categoryId: DELIVERY_CATEGORY,
      fields: { title: 'title', amount: 'opportunity', onecId: 'ufCrm5_OnecId', address: 'ufCrm5_Address' },
      stages: {
        new: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:NEW`,
        en_route: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:PREPARATION`,
        at_client: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:CLIENT`,
        delivered: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:SUCCESS`,
        failed: `DT${DELIVERY_TYPE}_${DELIVERY_CATEGORY}:FAIL`,
      },
    },
    company: { fields: { name: 'title', inn: 'ufCrm_Inn' } },
    product: { iblockId: CATALOG_IBLOCK, fields: { name: 'name', price: 'purchasingPrice', article: 'code' } },
    courier: { externalIdField: 'UF_USR_1C_ID', fields: { name: 'NAME', lastName: 'LAST_NAME' } },
  },
};

export function writeMappingFile(mapping: unknown = TEST_MAPPING): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mm-b24-')), 'bitrix24-mapping.yaml');
  writeFileSync(file, stringify(mapping));
  return file;
}

/** Environment of a middleware talking to `fake` through its incoming webhook. */
export function webhookEnv(fake: FakeBitrix24, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BITRIX24_WEBHOOK_URL: fake.webhookUrl,
    BITRIX24_MAPPING_FILE: writeMappingFile(),
    BITRIX24_REQUEST_TIMEOUT_MS: '1500',
    BITRIX24_BREAKER_HALF_OPEN_AFTER_MS: '300',
    BITRIX24_BREAKER_FAILURES: '50',
    BITRIX24_BATCH_LINGER_MS: '20',
    EVENTS_BACKOFF_BASE_MS: '100',
    EVENTS_BACKOFF_MAX_MS: '1000',
    EVENTS_RELAY_POLL_INTERVAL_MS: '100',
    EVENTS_MAX_ATTEMPTS: '30',
    ...extra,
  };
}

/** Environment of a middleware that is `fake`'s OAuth local application (tokens arrive at the install handler). */
export function oauthEnv(fake: FakeBitrix24, extra: Record<string, string> = {}): Record<string, string> {
  const oauth = fake.oauth;
  return {
    BITRIX24_CLIENT_ID: oauth.clientId,
    BITRIX24_CLIENT_SECRET: oauth.clientSecret,
    BITRIX24_PORTAL_URL: fake.baseUrl,
    BITRIX24_OAUTH_SERVER_HOSTS: new URL(fake.baseUrl).host,
    BITRIX24_MAPPING_FILE: writeMappingFile(),
    ...extra,
  };
}

/** ONAPPINSTALL as the portal posts it to the install handler, with `app`'s tokens: a form of `auth[…]` fields. */
export function postInstall(
  apiUrl: string,
  app: OAuthSettings,
  overrides: Record<string, string> = {},
): Promise<Response> {
  const auth: Record<string, string> = {
    access_token: app.accessToken,
    expires_in: '3600',
    scope: app.scope,
    domain: app.domain,
    server_endpoint: app.serverEndpoint,
    status: 'L',
    client_endpoint: app.clientEndpoint,
    member_id: app.memberId,
    refresh_token: app.refreshToken,
    application_token: app.applicationToken,
    ...overrides,
  };
  const form = new URLSearchParams({ event: 'ONAPPINSTALL', 'data[VERSION]': '1' });
  Object.entries(auth).forEach(([key, value]) => form.set(`auth[${key}]`, value));
  return fetch(`${apiUrl}/api/v1/webhooks/bitrix24/install`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

/** Publishes upsert requests the way a domain module does: in a transaction, through the outbox. */
export async function requestUpserts(app: INestApplicationContext, requests: readonly UpsertRequest[]): Promise<void> {
  const unitOfWork = app.get(UnitOfWork);
  const publisher = app.get(EventPublisher);
  for (let start = 0; start < requests.length; start += 500) {
    await unitOfWork.run(() => publisher.publish(requests.slice(start, start + 500).map(bitrix24UpsertEvent)));
  }
}

export function withWorkerOpsPort0(config: AppConfig): AppConfig {
  return { ...config, worker: { ...config.worker, opsPort: 0 } } as AppConfig;
}
