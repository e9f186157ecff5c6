import { AppConfig, Clock, CoreModule, MaintenanceModule, QueueModule, RecurringJob } from '@app/core';
import { AuditTrailModule, AuditWorkerModule } from '@app/audit';
import { Bitrix24WorkerModule } from '@app/bitrix24';
import { DeliveriesWorkerModule } from '@app/deliveries';
import { InstantOrdersWorkerModule } from '@app/instant-orders';
import { ReturnsWorkerModule } from '@app/returns';
import { CashDocumentsWorkerModule } from '@app/cash-documents';
import { SlaWorkerModule } from '@app/sla';
import { EventsWorkerModule } from '@app/events';
import { AlertPublisher, NotifierModule, NotifierWorkerModule } from '@app/notifier';
import { OnecWorkerModule } from '@app/onec';
import { MasterDataModule, MasterDataWorkerModule } from '@app/master-data';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../../migrations/schema';
import { DOMAIN_RECURRING_JOBS, RECURRING_JOBS } from './recurring-jobs';

export interface WorkerModuleOptions {
  readonly imports?: readonly (Type<unknown> | DynamicModule)[];
  /** Recurring jobs the extra modules provide (tests), run besides {@link RECURRING_JOBS}. */
  readonly recurringJobs?: readonly Type<RecurringJob>[];
  /** False leaves the domain libs out (the connectors' own suites, see ApiModuleOptions.domains). Default true. */
  readonly domains?: boolean;
  /** The clock the time rules read (tests move it forward); the system's by default. */
  readonly clock?: Clock;
  /** Where alerts go (tests record them); the notifier's outbox by default. */
  readonly alerts?: AlertPublisher;
}

/** The domain libs the worker runs. */
const DOMAIN_MODULES = [
  AuditTrailModule,
  AuditWorkerModule,
  MasterDataModule,
  MasterDataWorkerModule,
  DeliveriesWorkerModule,
  InstantOrdersWorkerModule,
  ReturnsWorkerModule,
  CashDocumentsWorkerModule,
  SlaWorkerModule,
];

/** No HTTP API: BullMQ processors, the outbox relay and the recurring jobs. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({
          config,
          entities: ALL_ENTITIES,
          migrationsDirectory: MIGRATIONS_DIRECTORY,
          clock: options.clock,
          redisDependency: 'required',
        }),
        QueueModule,
        MaintenanceModule.forRoot([
          // Without the domain libs nothing provides their jobs.
          ...RECURRING_JOBS.filter((job) => options.domains !== false || !DOMAIN_RECURRING_JOBS.includes(job)),
          ...(options.recurringJobs ?? []),
        ]),
        EventsWorkerModule,
        Bitrix24WorkerModule,
        OnecWorkerModule,
        NotifierModule.forRoot(options.alerts),
        NotifierWorkerModule,
        ...(options.domains === false ? [] : DOMAIN_MODULES),
        ...(options.imports ?? []),
      ],
    };
  }
}
