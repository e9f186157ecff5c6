import { AppConfig, BreakerState, IntegrationError, REDIS_CLIENT, ReplicatedCircuitBreaker } from '@app/core';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ChannelKind } from '../notifier.config';
import { NotifierMetrics } from '../notifier.metrics';

/**
 * One circuit per chat service and process. Its purpose here is the retry budget: the first failures of an outage
 * count as attempts, but once the circuit opens (and for every failed trial call after) a failure becomes
 * `unavailable`, which the backbone waits out without using attempts. So an outage of any length delays alerts and
 * never turns them into dead letters.
 */
@Injectable()
export class ChannelBreakers implements OnModuleInit, OnApplicationShutdown {
  private readonly breakers = new Map<ChannelKind, ReplicatedCircuitBreaker>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: NotifierMetrics,
  ) {
    for (const kind of ['slack', 'telegram'] as const) {
      this.breakers.set(
        kind,
        new ReplicatedCircuitBreaker({
          name: `notifier:${kind}`,
          settings: config.notifier.breaker,
          counts: (error) => error instanceof IntegrationError && error.kind === 'transient',
          redis,
          keyPrefix: config.redis.keyPrefix,
          onStateChange: (_state, gauge) => metrics.circuitState.set({ channel: kind }, gauge),
        }),
      );
    }
  }

  onModuleInit(): void {
    for (const [kind, breaker] of this.breakers) {
      if (this.config.notifier[kind]) {
        breaker.start();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.breakers.values()].map((breaker) => breaker.stop()));
  }

  async execute(kind: ChannelKind, call: () => Promise<void>): Promise<void> {
    const breaker = this.breakers.get(kind)!;
    const unavailable = (cause?: unknown) =>
      new IntegrationError('unavailable', `${kind.toUpperCase()}_UNAVAILABLE`, `${kind} is failing; waiting for it`, {
        system: kind,
        retryAt: breaker.retryAt(),
        cause,
      });
    // Read through a function: TypeScript would keep the getter narrowed to its first reading.
    const stateOf = (): BreakerState => breaker.state;
    const wasClosed = stateOf() === 'closed';
    try {
      await breaker.execute(call, () => unavailable());
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'transient' && (!wasClosed || stateOf() === 'open')) {
        throw unavailable(error);
      }
      throw error;
    }
  }
}
