import { AppConfig, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * A per-source cap on webhook calls (a fixed one-second window in Redis, shared by API replicas). Bitrix24 posts
 * from a few queue servers, so the cap is generous; it stops a flood of forged calls from filling the security log
 * and the database. Without Redis it lets calls through: losing real events is worse than a missing cap.
 */
@Injectable()
export class WebhookRateCap {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async allow(source: string): Promise<boolean> {
    const second = Math.floor(Date.now() / 1000);
    const key = `${this.config.redis.keyPrefix}:bitrix24:webhook-rate:${source}:${second}`;
    try {
      const count = await this.redis.incr(key);
      if (count === 1) {
        await this.redis.expire(key, 2);
      }
      return count <= this.config.bitrix24.webhook.ratePerSecond;
    } catch {
      return true;
    }
  }
}
