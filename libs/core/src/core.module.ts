import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DataSourceOptions } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { AppConfig } from './config/app-config';
import { ConnectorsModule } from './connectors/connectors.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ProblemFilter } from './errors/problem.filter';
import { HealthModule } from './health/health.module';
import type { RedisDependency } from './health/readiness.service';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IntegrationLogModule } from './integration-log/integration-log.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { Clock, ClockModule } from './time/clock';
import { CoreTraceSource } from './trace/core.trace-source';

export interface CoreModuleOptions {
  readonly config: AppConfig;
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  readonly migrationsDirectory: string;
  readonly redisDependency: RedisDependency;
  /** The time "now" rules read; the system's unless given (a test's clock it moves forward). */
  readonly clock?: Clock;
}

/** The platform every app stands on: config, logs, database, Redis, metrics, health, errors, audit of exchanges. */
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(options.config),
        ClockModule.forRoot(options.clock),
        LoggingModule,
        MetricsModule,
        DatabaseModule.forRoot({ entities: options.entities, migrationsDirectory: options.migrationsDirectory }),
        RedisModule,
        IdempotencyModule,
        IntegrationLogModule,
        AuditModule,
        ConnectorsModule,
        HealthModule.forRoot(options.redisDependency),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }, CoreTraceSource],
      exports: [HealthModule],
    };
  }
}
