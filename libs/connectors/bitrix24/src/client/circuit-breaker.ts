import { AppConfig, BreakerState, REDIS_CLIENT, ReplicatedCircuitBreaker } from '@app/core';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Bitrix24Error } from './bitrix24-error';
import { Bitrix24Metrics } from './bitrix24.metrics';

/** The circuit name in Redis for one portal, shared with the status provider. */
export function portalCircuitName(portal: string): string {
  return `bitrix24:${portal}`;
}

/**
 * The per-portal circuit breaker of this process. It opens after consecutive transient failures and half-opens
 * after a cool-down; while open, calls fail fast with `unavailable`, which the backbone turns into a delay rather
 * than a dead letter. Each replica publishes its state to Redis for the admin status endpoint.
 */
@Injectable()
export class PortalCircuitBreaker implements OnModuleInit, OnApplicationShutdown {
  private readonly breaker: ReplicatedCircuitBreaker;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: Bitrix24Metrics,
  ) {
    const portal = this.portal;
    this.breaker = new ReplicatedCircuitBreaker({
      name: portalCircuitName(portal),
      settings: config.bitrix24.breaker,
      counts: (error) => error instanceof Bitrix24Error && error.category === 'transient',
      redis,
      keyPrefix: config.redis.keyPrefix,
      onStateChange: (_state, gauge) => metrics.circuitState.set({ portal }, gauge),
    });
  }

  private get portal(): string {
    return this.config.bitrix24.portal ?? 'unconfigured';
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  /** True while a call would be refused without reaching the portal. */
  get refusing(): boolean {
    return this.breaker.refusing;
  }

  onModuleInit(): void {
    if (this.config.bitrix24.authMode !== 'unconfigured') {
      this.breaker.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.breaker.stop();
  }

  /** Runs `attempt` through the breaker; an open circuit becomes an `unavailable` error that delays the job. */
  execute<T>(method: string, attempt: () => Promise<T>): Promise<T> {
    return this.breaker.execute(attempt, () => this.openError(method));
  }

  openError(method: string): Bitrix24Error {
    return new Bitrix24Error('unavailable', 'BITRIX24_CIRCUIT_OPEN', `Circuit to ${this.portal} is open`, {
      method,
      outcome: 'not_sent',
      retryAt: this.breaker.retryAt(),
    });
  }
}
