import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventsModule } from '@app/events';
import { Bitrix24Client } from './client/bitrix24-client';
import { Bitrix24Metrics } from './client/bitrix24.metrics';
import { PortalCircuitBreaker } from './client/circuit-breaker';
import { Bitrix24Credentials } from './client/credentials';
import { OperatingBudget } from './client/operating-budget';
import { PortalRateLimiter } from './client/rate-limiter';
import { Bitrix24Transport } from './client/transport';
import { EventVerifier } from './inbound/event-verifier';
import { InboundHandlers } from './inbound/inbound-handlers';
import { InboundProcessor } from './inbound/inbound-processor';
import { Bitrix24InboxConsumer } from './inbound/inbox.consumer';
import { Bitrix24InstallController } from './inbound/install.controller';
import { OfflineQueueDrain } from './inbound/offline-drain';
import { Reconciler } from './inbound/reconciler';
import { Bitrix24OfflineDrainJob, Bitrix24ReconcileJob } from './inbound/recovery-jobs';
import { SyncCursors } from './inbound/sync-cursors';
import { UnhandledInboundChanges } from './inbound/unhandled-changes';
import { Bitrix24UnhandledChangesController } from './inbound/unhandled-changes.controller';
import { Bitrix24WebhookController } from './inbound/webhook.controller';
import { WebhookRateCap } from './inbound/webhook-rate-cap';
import { Bitrix24EntityKinds } from './kinds/entity-kinds';
import { Bitrix24MappingProvider } from './mapping/mapping.provider';
import { CourierDirectory } from './ports/courier-directory.port';
import { CrmItemGateway } from './ports/crm-item-gateway.port';
import { ProductCatalogGateway } from './ports/product-catalog-gateway.port';
import { RemoteEntityDirectory } from './ports/remote-entity-directory.port';
import { Bitrix24StatusProvider } from './status/bitrix24-status';
import { BatchingCrmItemGateway, BatchingProductCatalogGateway } from './sync/batching-gateways';
import { Bitrix24CourierDirectory } from './sync/courier-directory';
import { EntityCodecs } from './sync/entity-codecs';
import { EntityLinkRepository } from './sync/entity-link.repository';
import { Bitrix24RemoteEntityDirectory } from './sync/remote-entity-directory';
import { Bitrix24UpsertConsumer } from './sync/upsert.consumer';
import { UpsertBatcher } from './sync/upsert-batcher';

const SHARED = [
  Bitrix24Metrics,
  Bitrix24Transport,
  Bitrix24Credentials,
  Bitrix24EntityKinds,
  Bitrix24MappingProvider,
  SyncCursors,
  UnhandledInboundChanges,
  InboundHandlers,
];

/**
 * The API side of the Bitrix24 connector: webhook receiver, install handler, admin status and unhandled changes.
 * Never calls REST but to verify an install.
 */
@Module({
  imports: [EventsModule, DiscoveryModule],
  controllers: [Bitrix24WebhookController, Bitrix24InstallController, Bitrix24UnhandledChangesController],
  providers: [...SHARED, EventVerifier, WebhookRateCap, Bitrix24StatusProvider],
})
export class Bitrix24HttpModule {}

/**
 * The worker side: the quota-aware client, the gateways (ports the domain uses), the outbox consumer that writes
 * to Bitrix24, inbound processing and its dispatch to the domain's handlers, and the recovery jobs (offline queue,
 * reconcile).
 */
@Module({
  imports: [EventsModule, DiscoveryModule],
  providers: [
    ...SHARED,
    PortalRateLimiter,
    OperatingBudget,
    PortalCircuitBreaker,
    Bitrix24Client,
    EntityLinkRepository,
    EntityCodecs,
    UpsertBatcher,
    { provide: CrmItemGateway, useClass: BatchingCrmItemGateway },
    { provide: ProductCatalogGateway, useClass: BatchingProductCatalogGateway },
    { provide: CourierDirectory, useClass: Bitrix24CourierDirectory },
    { provide: RemoteEntityDirectory, useClass: Bitrix24RemoteEntityDirectory },
    Bitrix24UpsertConsumer,
    InboundProcessor,
    OfflineQueueDrain,
    Reconciler,
    Bitrix24InboxConsumer,
    Bitrix24OfflineDrainJob,
    Bitrix24ReconcileJob,
  ],
  exports: [CrmItemGateway, ProductCatalogGateway, CourierDirectory, RemoteEntityDirectory],
})
export class Bitrix24WorkerModule {}
