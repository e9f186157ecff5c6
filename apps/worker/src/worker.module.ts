import { AppConfig, CoreModule, MaintenanceModule, QueueModule, RecurringJob } from '@app/core';
import { Bitrix24WorkerModule } from '@app/bitrix24';
import { EventsWorkerModule } from '@app/events';
import { OnecWorkerModule } from '@app/onec';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../../migrations/schema';
import { RECURRING_JOBS } from './recurring-jobs';

export interface WorkerModuleOptions {
  readonly imports?: readonly (Type<unknown> | DynamicModule)[];
  /** Recurring jobs the extra modules provide (tests), run besides {@link RECURRING_JOBS}. */
  readonly recurringJobs?: readonly Type<RecurringJob>[];
}

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
          redisDependency: 'required',
        }),
        QueueModule,
        MaintenanceModule.forRoot([...RECURRING_JOBS, ...(options.recurringJobs ?? [])]),
        EventsWorkerModule,
        Bitrix24WorkerModule,
        OnecWorkerModule,
        ...(options.imports ?? []),
      ],
    };
  }
}
