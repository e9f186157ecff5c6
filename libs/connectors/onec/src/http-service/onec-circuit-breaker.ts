import { AppConfig, BreakerState, IntegrationError, REDIS_CLIENT, ReplicatedCircuitBreaker } from '@app/core';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OnecMetrics } from '../onec.metrics';

/** The circuit name in Redis, shared with the status provider. */
export const ONEC_HTTP_CIRCUIT = 'onec:http';

const DEFAULT_BREAKER = { failureThreshold: 5, halfOpenAfterMs: 30_000 };

/**
 * The circuit breaker of this process towards 1C's HTTP service. Consecutive transient failures (5xx, timeouts,
 * resets) open it; while open, pushes fail fast as `unavailable`, which the event backbone turns into a delay, not
 * a spent attempt. Each replica publishes its state to Redis for GET /api/v1/admin/connectors.
 */
@Injectable()
export class OnecCircuitBreaker implements OnModuleInit, OnApplicationShutdown {
  private readonly breaker: ReplicatedCircuitBreaker;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: OnecMetrics,
  ) {
    this.breaker = new ReplicatedCircuitBreaker({
      name: ONEC_HTTP_CIRCUIT,
      settings: config.onec.http?.breaker ?? DEFAULT_BREAKER,
      counts: (error) => error instanceof IntegrationError && error.kind === 'transient',
      redis,
      keyPrefix: config.redis.keyPrefix,
      onStateChange: (_state, gauge) => metrics.breakerState.set(gauge),
    });
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  onModuleInit(): void {
    if (this.config.onec.http) {
      this.breaker.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.breaker.stop();
  }

  /** Runs `attempt` through the breaker; an open circuit becomes an `unavailable` error that delays the job. */
  execute<T>(attempt: () => Promise<T>): Promise<T> {
    return this.breaker.execute(
      attempt,
      () =>
        new IntegrationError('unavailable', 'ONEC_CIRCUIT_OPEN', "The circuit to 1C's HTTP service is open", {
          system: 'onec',
          retryAt: this.breaker.retryAt(),
        }),
    );
  }
}
