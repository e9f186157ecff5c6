import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ArchiveUnpacker } from './exchange/archive-unpacker';
import { ExchangeAuthService } from './exchange/exchange-auth.service';
import { ExchangeImportService } from './exchange/exchange-import.service';
import { ExchangeJanitor, PurgeExchangeSessionsJob } from './exchange/exchange-janitor';
import { ExchangeSessionStore } from './exchange/exchange-session.store';
import { ExchangeReportsController } from './exchange/exchange-reports.controller';
import { ExchangeSessionsController } from './exchange/exchange-sessions.controller';
import { ExchangeUploadService } from './exchange/exchange-upload.service';
import { ExchangeWorkArea } from './exchange/exchange-work-area';
import { ExchangeController } from './exchange/exchange.controller';
import { ExchangeService } from './exchange/exchange.service';
import { SaleExchangeService } from './exchange/sale-exchange.service';
import { SessionLeases } from './exchange/session-leases';
import { EventFeedController } from './feed/event-feed.controller';
import { EventFeedService } from './feed/event-feed.service';
import { OnecCircuitBreaker } from './http-service/onec-circuit-breaker';
import { OnecHttpServiceClient } from './http-service/onec-http-service.client';
import { OnecPushConsumer } from './http-service/onec-push.consumer';
import { OnecMetrics } from './onec.metrics';
import { ExchangePorts } from './ports/exchange-ports';
import { OnecPushPort } from './ports/onec-push.port';
import { UnroutedSaleDocuments } from './ports/unrouted-sale-documents';
import { OnecConnectorStatus } from './status/onec-connector-status';

/**
 * The API side of the 1C connector: the CommerceML exchange endpoint (`/api/v1/exchange/1c` and
 * `/bitrix/admin/1c_exchange.php`), the pull feed of the `onec` destination's events (`/api/v1/events`), the
 * exchange-session admin list, and the connector status. Domain modules
 * plug into its ports by providing classes that extend `CatalogImportSink`, `OnecSaleOrdersContribution` or
 * `OnecSaleDocumentsContribution` anywhere in the app (see `ExchangePorts`).
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [ExchangeController, EventFeedController, ExchangeSessionsController, ExchangeReportsController],
  providers: [
    OnecMetrics,
    ExchangePorts,
    UnroutedSaleDocuments,
    ExchangeWorkArea,
    ExchangeSessionStore,
    SessionLeases,
    ExchangeAuthService,
    ExchangeUploadService,
    ArchiveUnpacker,
    ExchangeImportService,
    SaleExchangeService,
    ExchangeService,
    EventFeedService,
    OnecConnectorStatus,
  ],
})
export class OnecHttpModule {}

/**
 * The worker side of the 1C connector: the client of 1C's HTTP service (the {@link OnecPushPort}) and, only when
 * `ONEC_HTTP_BASE_URL` is set, the consumer that pushes the `onec` destination's events with it; and the
 * exchange's recurring jobs (ending idle sessions and cleaning their folders, forgetting old sessions).
 */
@Module({
  providers: [
    OnecMetrics,
    // The worker mounts the exchange work area as the API does (k8s/worker-deployment.yaml).
    ExchangeWorkArea,
    ExchangeJanitor,
    PurgeExchangeSessionsJob,
    OnecCircuitBreaker,
    OnecHttpServiceClient,
    { provide: OnecPushPort, useExisting: OnecHttpServiceClient },
    OnecPushConsumer,
  ],
  exports: [OnecPushPort],
})
export class OnecWorkerModule {}
