import { hostname } from 'node:os';
import { AppConfig, REDIS_CLIENT } from '@app/core';
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
import { Bitrix24Error } from './bitrix24-error';
import { Bitrix24Metrics } from './bitrix24.metrics';

export type BreakerState = 'closed' | 'half_open' | 'open';

/** What each replica publishes to Redis for the admin status endpoint. */
export interface PublishedBreaker {
  readonly replica: string;
  readonly state: BreakerState;
  readonly since: string;
  readonly lastFailure?: string;
}

const PUBLISH_EVERY_MS = 10_000;
const PUBLISH_TTL_SECONDS = 30;

export function breakerKeyPattern(prefix: string, portal: string): string {
  return `${prefix}:bitrix24:breaker:${portal}:*`;
}

/**
 * The per-portal circuit breaker of this process (cockatiel). It opens after consecutive transient failures and
 * half-opens after a cool-down; while open, calls fail fast with `unavailable`, which the backbone turns into a
 * delay rather than a dead letter. Breakers are per process, so each replica publishes its state to Redis with a TTL.
 */
@Injectable()
export class PortalCircuitBreaker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PortalCircuitBreaker.name);
  private readonly policy: CircuitBreakerPolicy;
  private readonly replica = `${hostname()}:${process.pid}`;
  private since = new Date();
  private lastFailure?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: Bitrix24Metrics,
  ) {
    this.policy = circuitBreaker(
      handleWhen((error) => error instanceof Bitrix24Error && error.category === 'transient'),
      {
        halfOpenAfter: config.bitrix24.breaker.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(config.bitrix24.breaker.failureThreshold),
      },
    );
    this.policy.onFailure(({ reason }) => {
      if ('error' in reason) {
        this.lastFailure = (reason.error instanceof Error ? reason.error.message : String(reason.error)).slice(0, 300);
      }
    });
    this.policy.onStateChange((state) => {
      this.since = new Date();
      this.metrics.circuitState.set({ portal: this.portal }, gaugeValue(state));
      this.logger.warn(`Bitrix24 circuit breaker for ${this.portal} is now ${stateName(state)}`);
      void this.publish();
    });
  }

  private get portal(): string {
    return this.config.bitrix24.portal ?? 'unconfigured';
  }

  get state(): BreakerState {
    return stateName(this.policy.state);
  }

  /**
   * True while a call would be refused without reaching the portal. Past the cool-down the state still reads
   * "open" until a call comes through to half-open it, so the time is what counts here.
   */
  get refusing(): boolean {
    return this.state === 'open' && Date.now() - this.since.getTime() < this.config.bitrix24.breaker.halfOpenAfterMs;
  }

  onModuleInit(): void {
    this.metrics.circuitState.set({ portal: this.portal }, 0);
    if (this.config.bitrix24.authMode === 'unconfigured') {
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
  async execute<T>(method: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw this.openError(method);
      }
      throw error;
    }
  }

  openError(method: string): Bitrix24Error {
    return new Bitrix24Error('unavailable', 'BITRIX24_CIRCUIT_OPEN', `Circuit to ${this.portal} is open`, {
      method,
      outcome: 'not_sent',
      retryAt: new Date(Date.now() + this.config.bitrix24.breaker.halfOpenAfterMs),
    });
  }

  private redisKey(): string {
    return `${this.config.redis.keyPrefix}:bitrix24:breaker:${this.portal}:${this.replica}`;
  }

  private async publish(): Promise<void> {
    const state: PublishedBreaker = {
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
