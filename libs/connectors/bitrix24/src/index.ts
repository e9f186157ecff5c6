// Registers the connector's configuration section (`config.bitrix24`) with core's loader before anything loads it.
import './bitrix24.config';

export * from './bitrix24.constants';
export * from './bitrix24.module';
export * from './client/batch-result';
export * from './client/bitrix24-client';
export * from './client/bitrix24-error';
export { oauthTokenUrl } from './client/credentials';
export * from './inbound/event-payload';
export * from './inbound/inbound-change.port';
export { OfflineQueueDrain } from './inbound/offline-drain';
export { Reconciler } from './inbound/reconciler';
export * from './mapping/bitrix24-mapping';
export type { UpsertRequest } from './mapping/entity-codec';
export * from './sync/bitrix24-gateways';
export { CourierDirectory, type Courier } from './sync/courier-directory';
export type { UpsertResult } from './sync/upsert-batcher';
export { parseRequest as parseUpsertRequest } from './sync/upsert.consumer';

import { Bitrix24OAuthInstallationEntity } from './client/oauth-token.entity';
import { Bitrix24InboundChangeEntity } from './inbound/inbound-change.entity';
import { Bitrix24SyncCursorEntity } from './inbound/sync-cursor.entity';
import { Bitrix24EntityLinkEntity } from './sync/entity-link.entity';

export {
  Bitrix24EntityLinkEntity,
  Bitrix24InboundChangeEntity,
  Bitrix24OAuthInstallationEntity,
  Bitrix24SyncCursorEntity,
};

/** Entities owned by the Bitrix24 connector; migrations/schema.ts lists every lib's. */
export const BITRIX24_ENTITIES: (new () => unknown)[] = [
  Bitrix24OAuthInstallationEntity,
  Bitrix24EntityLinkEntity,
  Bitrix24SyncCursorEntity,
  Bitrix24InboundChangeEntity,
];
