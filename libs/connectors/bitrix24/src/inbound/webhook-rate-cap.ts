import { AppConfig, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * A per-source cap on *refused* webhook calls (a one-second window in Redis, shared by API replicas). Authentic events
 * are never capped: Bitrix24 never re-sends one, and a bulk change in the portal legitimately fires hundreds per
 * second. A source that keeps sending calls we refuse gets 429 before any parsing or token comparison, which stops a
 * flood of forged calls from filling the security log. Without Redis the cap is off: losing events is worse.
 */
@Injectable()
export class WebhookRateCap {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  private key(source: string): string {
    return `${this.config.redis.keyPrefix}:bitrix24:webhook-refused:${source}:${Math.floor(Date.now() / 1000)}`;
  }

  async blocked(source: string): Promise<boolean> {
    try {
      return Number(await this.redis.get(this.key(source))) >= this.config.bitrix24.webhook.ratePerSecond;
    } catch {
      return false;
    }
  }

  async noteRefusal(source: string): Promise<void> {
    const key = this.key(source);
    try {
      if ((await this.redis.incr(key)) === 1) {
        await this.redis.expire(key, 2);
      }
    } catch {
      // The cap is a guard, not a gate.
    }
  }
}
