import { AppConfig, CoreModule, MaintenanceModule, QueueModule } from '@app/core';
import { Bitrix24WorkerModule } from '@app/bitrix24';
import { EventsWorkerModule } from '@app/events';
import { OnecWorkerModule } from '@app/onec';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../../migrations/schema';

export interface WorkerModuleOptions {
  readonly imports?: readonly (Type<unknown> | DynamicModule)[];
}

/** No HTTP API: BullMQ processors, the outbox relay and schedulers. */
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
        MaintenanceModule,
        EventsWorkerModule,
        Bitrix24WorkerModule,
        OnecWorkerModule,
        ...(options.imports ?? []),
      ],
    };
  }
}
