import { Bitrix24HttpModule } from '@app/bitrix24';
import {
  AppConfig,
  AuthModule,
  ConnectorsController,
  CoreModule,
  HealthController,
  IntegrationLogController,
  MetricsController,
} from '@app/core';
import { EventsHttpModule } from '@app/events';
import { OnecHttpModule } from '@app/onec';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ALL_ENTITIES, MIGRATIONS_DIRECTORY } from '../../../migrations/schema';

export interface ApiModuleOptions {
  /** Extra modules, e.g. controllers a test suite registers to exercise platform behaviour over HTTP. */
  readonly imports?: readonly (Type<unknown> | DynamicModule)[];
}

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
          redisDependency: 'degrades',
        }),
        AuthModule,
        EventsHttpModule,
        Bitrix24HttpModule,
        OnecHttpModule,
        ...(options.imports ?? []),
      ],
      controllers: [HealthController, MetricsController, IntegrationLogController, ConnectorsController],
    };
  }
}
