import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
} from 'cockatiel';
import type { Redis } from 'ioredis';

export type BreakerState = 'closed' | 'half_open' | 'open';

export interface BreakerSettings {
  /** Consecutive counted failures that open the circuit. */
  readonly failureThreshold: number;
  /** Cool-down before a trial call is let through. */
  readonly halfOpenAfterMs: number;
}

/** What each replica publishes to Redis, so any process (the API's status endpoint) can show every replica. */
export interface PublishedBreaker {
  readonly replica: string;
  readonly state: BreakerState;
  readonly since: string;
  readonly lastFailure?: string;
}

export interface ReplicatedCircuitBreakerOptions {
  /** Names the circuit in Redis keys and logs, e.g. `bitrix24:portal.bitrix24.ru` or `onec:http`. */
  readonly name: string;
  readonly settings: BreakerSettings;
  /** Which failures count towards opening (transient ones; a validation error says nothing about the remote). */
  readonly counts: (error: unknown) => boolean;
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** For a metric gauge: 0 closed, 1 half-open, 2 open. */
  readonly onStateChange?: (state: BreakerState, gauge: number) => void;
}

const PUBLISH_EVERY_MS = 10_000;
const PUBLISH_TTL_SECONDS = 30;

/**
 * A circuit breaker (cockatiel, consecutive failures, half-open after a cool-down) for one remote system, in one
 * process. Breakers are per process on purpose (each replica judges its own calls), so each publishes its state to
 * Redis with a TTL and {@link ReplicatedCircuitBreaker.readAll} shows all of them to an operator.
 */
export class ReplicatedCircuitBreaker {
  private readonly logger: Logger;
  private readonly policy: CircuitBreakerPolicy;
  private readonly replica = `${hostname()}:${process.pid}`;
  private sinceTime = new Date();
  private lastFailure?: string;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ReplicatedCircuitBreakerOptions) {
    this.logger = new Logger(`CircuitBreaker(${options.name})`);
    this.policy = circuitBreaker(handleWhen(options.counts), {
      halfOpenAfter: options.settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.settings.failureThreshold),
    });
    this.policy.onFailure(({ reason }) => {
      if ('error' in reason) {
        this.lastFailure = (reason.error instanceof Error ? reason.error.message : String(reason.error)).slice(0, 300);
      }
    });
    this.policy.onStateChange((state) => {
      this.sinceTime = new Date();
      const name = stateName(state);
      options.onStateChange?.(name, gaugeValue(name));
      this.logger.warn(`Circuit is now ${name}`);
      void this.publish();
    });
    options.onStateChange?.('closed', 0);
  }

  get state(): BreakerState {
    return stateName(this.policy.state);
  }

  get since(): Date {
    return this.sinceTime;
  }

  /**
   * True while a call would be refused without reaching the remote. Past the cool-down the state still reads "open"
   * until a call comes through to half-open it, so the time is what counts.
   */
  get refusing(): boolean {
    return this.state === 'open' && Date.now() - this.sinceTime.getTime() < this.options.settings.halfOpenAfterMs;
  }

  /** When a refused call should be tried again: the end of the cool-down. */
  retryAt(): Date {
    return new Date(Date.now() + this.options.settings.halfOpenAfterMs);
  }

  /** Starts publishing this replica's state; call once the remote is configured. */
  start(): void {
    void this.publish();
    // Per process, not a recurring job: each replica publishes its own breaker's state (with an expiry), so every
    // replica must run it.
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.options.redis.del(this.redisKey()).catch(() => undefined);
  }

  /** Runs `attempt` through the breaker; an open circuit becomes the caller's own error (e.g. `unavailable`). */
  async execute<T>(attempt: () => Promise<T>, whenOpen: () => Error): Promise<T> {
    try {
      return await this.policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw whenOpen();
      }
      throw error;
    }
  }

  /** Every replica's published state for a circuit name, for status endpoints. */
  static async readAll(redis: Redis, keyPrefix: string, name: string): Promise<PublishedBreaker[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${breakerKeyBase(keyPrefix, name)}*`, 'COUNT', 200);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0' && keys.length < 1_000);
    if (keys.length === 0) {
      return [];
    }
    const values = await redis.mget(...keys);
    return values
      .flatMap((value) => (value ? [JSON.parse(value) as PublishedBreaker] : []))
      .sort((left, right) => left.replica.localeCompare(right.replica));
  }

  private redisKey(): string {
    return `${breakerKeyBase(this.options.keyPrefix, this.options.name)}${this.replica}`;
  }

  private async publish(): Promise<void> {
    const state: PublishedBreaker = {
      replica: this.replica,
      state: this.state,
      since: this.sinceTime.toISOString(),
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
    await this.options.redis
      .set(this.redisKey(), JSON.stringify(state), 'EX', PUBLISH_TTL_SECONDS)
      .catch(() => undefined);
  }
}

function breakerKeyBase(keyPrefix: string, name: string): string {
  return `${keyPrefix}:breaker:${name}:`;
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

function gaugeValue(state: BreakerState): number {
  return state === 'closed' ? 0 : state === 'half_open' ? 1 : 2;
}
