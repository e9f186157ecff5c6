// Registers the connector's configuration section (`config.bitrix24`) with core's loader before anything loads it.
import './bitrix24.config';

// The connector's public surface: its modules, its ports and the types they use. Everything else (the REST client,
// the mapping, the adapters) stays inside; tests reach internals through relative paths.
export * from './bitrix24.module';
// Its recurring jobs, for the worker's list (apps/worker/src/recurring-jobs.ts).
export { Bitrix24OfflineDrainJob, Bitrix24ReconcileJob } from './inbound/recovery-jobs';
export { Bitrix24Module } from './kinds/entity-kinds';
export * from './ports/courier-directory.port';
export * from './ports/crm-item-gateway.port';
export * from './ports/entity-kind.port';
export * from './ports/inbound-change.port';
export * from './ports/product-catalog-gateway.port';
export * from './ports/remote-entity-directory.port';
export * from './ports/upsert.port';

import { Bitrix24OAuthInstallationEntity } from './client/oauth-token.entity';
import { Bitrix24InboundChangeEntity } from './inbound/inbound-change.entity';
import { Bitrix24SyncCursorEntity } from './inbound/sync-cursor.entity';
import { Bitrix24EntityLinkEntity } from './sync/entity-link.entity';

/** Entities owned by the Bitrix24 connector; migrations/schema.ts lists every lib's. */
export const BITRIX24_ENTITIES: (new () => unknown)[] = [
  Bitrix24OAuthInstallationEntity,
  Bitrix24EntityLinkEntity,
  Bitrix24SyncCursorEntity,
  Bitrix24InboundChangeEntity,
];
