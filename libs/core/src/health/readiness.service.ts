import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { PortBindings } from '../connectors/port-bindings';
import { REDIS_CLIENT } from '../redis/redis.module';

/**
 * How much an app depends on Redis. The API keeps accepting writes during a Redis outage (events wait in the
 * PostgreSQL outbox), so Redis down only degrades it; the worker cannot move anything without Redis.
 */
export type RedisDependency = 'degrades' | 'required';
export const REDIS_DEPENDENCY = Symbol('REDIS_DEPENDENCY');

export interface Readiness {
  readonly ready: boolean;
  readonly result: HealthCheckResult;
}

@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeOrm: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_DEPENDENCY) private readonly redisDependency: RedisDependency,
    private readonly portBindings: PortBindings,
  ) {}

  async check(): Promise<Readiness> {
    try {
      const result = await this.health.check([
        () => this.typeOrm.pingCheck('database').withTimeout(1_500),
        () => this.migrations(),
        () => this.redisCheck(),
        // Informational: a fallback on a port in use already stopped the start-up in production.
        () => this.indicators.check('ports').up(this.portBindings.all()),
      ]);
      return { ready: true, result };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        return { ready: false, result: error.getResponse() as HealthCheckResult };
      }
      throw error;
    }
  }

  /** An app whose schema is behind its code must not take traffic: queries would fail on missing columns. */
  private migrations() {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        if (await this.dataSource.showMigrations()) {
          throw new Error('pending migrations');
        }
        return { pending: 0 };
      })
      .withTimeout(2_000)
      .cacheFor(2_000);
  }

  private async redisCheck() {
    const session = this.indicators.check('redis');
    try {
      const started = Date.now();
      await this.redis.ping();
      return session.up({ responseTime: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.redisDependency === 'required'
        ? session.down({ message })
        : session.degraded({ message: `${message}; writes are kept in the outbox until Redis is back` });
    }
  }
}
