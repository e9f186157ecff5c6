import { hostname } from 'node:os';
import { AppConfig, IntegrationError, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
} from 'cockatiel';
import type { Redis } from 'ioredis';
import { OnecMetrics } from '../onec.metrics';

export type BreakerState = 'closed' | 'half_open' | 'open';

/** What each worker publishes to Redis for the connector status (breakers are per process). */
export interface PublishedOnecBreaker {
  readonly replica: string;
  readonly state: BreakerState;
  readonly since: string;
  readonly lastFailure?: string;
}

const PUBLISH_EVERY_MS = 10_000;
const PUBLISH_TTL_SECONDS = 30;

export function onecBreakerKeyPattern(prefix: string): string {
  return `${prefix}:onec:http-breaker:*`;
}

/**
 * The circuit breaker of this process towards 1C's HTTP service (cockatiel). Consecutive transient failures (5xx,
 * timeouts, resets) open it; while open, pushes fail fast as `unavailable`, which the event backbone turns into a
 * delay, not a spent attempt. Each replica publishes its state to Redis with a TTL for GET /api/v1/admin/connectors.
 */
@Injectable()
export class OnecCircuitBreaker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OnecCircuitBreaker.name);
  private readonly policy: CircuitBreakerPolicy;
  private readonly replica = `${hostname()}:${process.pid}`;
  private since = new Date();
  private lastFailure?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: OnecMetrics,
  ) {
    const settings = config.onec.http?.breaker ?? { failureThreshold: 5, halfOpenAfterMs: 30_000 };
    this.policy = circuitBreaker(
      handleWhen((error) => error instanceof IntegrationError && error.kind === 'transient'),
      { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failureThreshold) },
    );
    this.policy.onFailure(({ reason }) => {
      if ('error' in reason) {
        this.lastFailure = (reason.error instanceof Error ? reason.error.message : String(reason.error)).slice(0, 300);
      }
    });
    this.policy.onStateChange((state) => {
      this.since = new Date();
      this.metrics.breakerState.set(gaugeValue(state));
      this.logger.warn(`Circuit breaker towards 1C's HTTP service is now ${stateName(state)}`);
      void this.publish();
    });
  }

  get state(): BreakerState {
    return stateName(this.policy.state);
  }

  onModuleInit(): void {
    this.metrics.breakerState.set(0);
    if (!this.config.onec.http) {
      return;
    }
    void this.publish();
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.redisKey()).catch(() => undefined);
  }

  /** Runs `attempt` through the breaker; an open circuit becomes an `unavailable` error that delays the job. */
  async execute<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const halfOpenAfterMs = this.config.onec.http?.breaker.halfOpenAfterMs ?? 30_000;
        throw new IntegrationError('unavailable', 'ONEC_CIRCUIT_OPEN', "The circuit to 1C's HTTP service is open", {
          system: 'onec',
          retryAt: new Date(Date.now() + halfOpenAfterMs),
        });
      }
      throw error;
    }
  }

  private redisKey(): string {
    return `${this.config.redis.keyPrefix}:onec:http-breaker:${this.replica}`;
  }

  private async publish(): Promise<void> {
    const state: PublishedOnecBreaker = {
      replica: this.replica,
      state: this.state,
      since: this.since.toISOString(),
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
    await this.redis.set(this.redisKey(), JSON.stringify(state), 'EX', PUBLISH_TTL_SECONDS).catch(() => undefined);
  }
}

function stateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}

function gaugeValue(state: CircuitState): number {
  const name = stateName(state);
  return name === 'closed' ? 0 : name === 'half_open' ? 1 : 2;
}
