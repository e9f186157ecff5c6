import { AppConfig, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Bitrix24Metrics } from './bitrix24.metrics';
import { whenReady } from './rate-limiter';

/** The `time` block of a response (protocol doc §2.3); `operating*` may be absent or null on older portals. */
export interface TimeBlock {
  readonly operating?: number | null;
  readonly operating_reset_at?: number | null;
}

/** Without a recorded reset time, a blocked method is retried after this long (the window moves by minutes). */
const UNKNOWN_RESET_MS = 60_000;
/** Pause a method a little before the portal would, so the last calls do not earn a 429. */
const HEADROOM = 0.9;
const WINDOW_MS = 10 * 60_000;

/**
 * The per-method operating budget shared by replicas (protocol doc §2.2): remembers each method's
 * `operating_reset_at`, pauses a method close to its budget or after a 429 `OPERATION_TIME_LIMIT`, and tells
 * callers until when.
 */
@Injectable()
export class OperatingBudget {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: Bitrix24Metrics,
  ) {}

  private key(kind: 'reset' | 'pause'): string {
    return `${this.config.redis.keyPrefix}:bitrix24:operating-${kind}:${this.config.bitrix24.portal ?? 'unconfigured'}`;
  }

  /** Until when `method` is paused, if it is. */
  async pausedUntil(method: string): Promise<Date | undefined> {
    await whenReady(this.redis);
    const until = Number(await this.redis.hget(this.key('pause'), method));
    return until > Date.now() ? new Date(until) : undefined;
  }

  async record(method: string, time: TimeBlock | undefined): Promise<void> {
    if (!time || typeof time.operating !== 'number') {
      return;
    }
    this.metrics.operatingSeconds.set({ method }, time.operating);
    const resetAt = typeof time.operating_reset_at === 'number' ? time.operating_reset_at * 1000 : undefined;
    if (resetAt === undefined) {
      return;
    }
    await this.redis.hset(this.key('reset'), method, String(resetAt));
    if (time.operating >= this.config.bitrix24.operatingLimitSeconds * HEADROOM) {
      await this.pause(method, resetAt);
    }
  }

  /** After a 429: pause the method until its last known reset; returns that time. */
  async blocked(method: string): Promise<Date> {
    const known = Number(await this.redis.hget(this.key('reset'), method));
    const until = known > Date.now() ? known : Date.now() + UNKNOWN_RESET_MS;
    await this.pause(method, until);
    return new Date(until);
  }

  private async pause(method: string, until: number): Promise<void> {
    await this.redis.hset(this.key('pause'), method, String(until));
    // A pause never outlives the 10-minute window, so one expiry for the whole hash never cuts one short.
    await this.redis.pexpire(this.key('pause'), Math.max(WINDOW_MS, until - Date.now()) + 60_000);
  }
}
