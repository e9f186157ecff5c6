import { AuditTrailModule, CollisionsApiModule } from '@app/audit';
import { BackOfficeApiModule } from '@app/back-office';
import { Bitrix24HttpModule } from '@app/bitrix24';
import {
  AppConfig,
  Clock,
  AuthModule,
  ConnectorsController,
  CoreModule,
  HealthController,
  IntegrationLogController,
  MetricsController,
} from '@app/core';
import { DeliveriesApiModule } from '@app/deliveries';
import { InstantOrdersApiModule } from '@app/instant-orders';
import { ReturnsApiModule } from '@app/returns';
import { CashDocumentsApiModule } from '@app/cash-documents';
import { SlaApiModule } from '@app/sla';
import { EventsHttpModule } from '@app/events';
import { OnecHttpModule } from '@app/onec';
import { AlertPublisher, NotifierModule } from '@app/notifier';
import { ConsoleModule } from '@app/console';
import { MasterDataApiModule, MasterDataModule, ReconcileApiModule } from '@app/master-data';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../../migrations/schema';

export interface ApiModuleOptions {
  /** Extra modules, e.g. controllers a test suite registers to exercise platform behaviour over HTTP. */
  readonly imports?: readonly (Type<unknown> | DynamicModule)[];
  /**
   * False leaves the domain libs out, for the connectors' own suites, whose test doubles stand in for the domains
   * on the connectors' ports (a port has one owner). Default true.
   */
  readonly domains?: boolean;
  /** The clock the time rules read (tests move it forward); the system's by default. */
  readonly clock?: Clock;
  /** Where alerts go (tests record them); the notifier's outbox by default. */
  readonly alerts?: AlertPublisher;
}

/** The domain libs the API serves. */
const DOMAIN_MODULES = [
  AuditTrailModule,
  CollisionsApiModule,
  MasterDataModule,
  MasterDataApiModule,
  ReconcileApiModule,
  DeliveriesApiModule,
  InstantOrdersApiModule,
  ReturnsApiModule,
  CashDocumentsApiModule,
  SlaApiModule,
  BackOfficeApiModule,
];

/** HTTP only: the controllers come from the libs; this module decides which ones the API serves. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot({
          config,
          entities: ALL_ENTITIES,
          migrationsDirectory: MIGRATIONS_DIRECTORY,
          clock: options.clock,
          redisDependency: 'degrades',
        }),
        AuthModule,
        EventsHttpModule,
        Bitrix24HttpModule,
        OnecHttpModule,
        NotifierModule.forRoot(options.alerts),
        ConsoleModule,
        ...(options.domains === false ? [] : DOMAIN_MODULES),
        ...(options.imports ?? []),
      ],
      controllers: [HealthController, MetricsController, IntegrationLogController, ConnectorsController],
    };
  }
}
