import { AppConfig, AppError, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * One counter per window: the window opens with its first call and closes `ARGV[1]` ms later. INCR and PEXPIRE run
 * atomically, so a replica dying between them cannot leave a counter that never expires; answers the count and the
 * milliseconds left.
 */
const COUNT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Where a counted call stands in its window. */
export interface WindowCount {
  readonly over: boolean;
  /** The first call over the cap in this window: the one that is logged. */
  readonly justCrossed: boolean;
  readonly retryAfterSeconds: number;
}

/**
 * The caps of the two public Bitrix24 endpoints, counted in Redis so every API replica shares them.
 *
 * Webhook: only *refused* calls are counted, after verification, and an authentic event is never refused for the
 * count (Bitrix24 never re-sends one, and a bulk change in the portal legitimately fires hundreds per second). The
 * count is per source address, which behind an ingress may be one address for every caller: that is harmless, since
 * all it decides is whether a refusal is answered 401 with a log line or 429 without one, so a flood of forged calls
 * cannot fill the security log. Without Redis that cap is off.
 *
 * Install: every attempt is counted, from any source (a source address is shared or forgeable), before the payload
 * is looked at, so nobody can make us call `app.info` on the portal more than the cap allows. Without Redis installs
 * are refused: an install can wait, an uncounted one could not be throttled.
 */
@Injectable()
export class WebhookRateCap {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Counts a refused webhook call from `source`; never throws. */
  async noteRefusal(source: string): Promise<WindowCount> {
    try {
      return await this.count(`webhook-refused:${source}`, 1_000, this.config.bitrix24.webhook.ratePerSecond);
    } catch {
      return { over: false, justCrossed: false, retryAfterSeconds: 0 };
    }
  }

  /** Counts an install attempt; refused with 503 when Redis cannot count it. */
  async noteInstallAttempt(): Promise<WindowCount> {
    try {
      return await this.count('install-attempts', 60_000, this.config.bitrix24.installAttemptsPerMinute);
    } catch (error) {
      throw new AppError('BITRIX24_INSTALL_UNAVAILABLE', 'unavailable', 'Bitrix24 install cannot be counted now', {
        retryAfterSeconds: 60,
        cause: error,
      });
    }
  }

  private async count(name: string, windowMs: number, cap: number): Promise<WindowCount> {
    const key = `${this.config.redis.keyPrefix}:bitrix24:${name}`;
    const [count, leftMs] = (await this.redis.eval(COUNT_IN_WINDOW, 1, key, windowMs)) as [number, number];
    return {
      over: count > cap,
      justCrossed: count === cap + 1,
      retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)),
    };
  }
}
