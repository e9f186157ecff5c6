import { AppConfig, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

export interface PaceRules {
  /** Least time between two messages. */
  readonly minIntervalMs: number;
  /** At most `max` messages in any `windowMs`; absent for targets without such a limit. */
  readonly window?: { readonly max: number; readonly windowMs: number };
}

/**
 * Takes a send slot for one target, or says how long to wait for one. The log of recent sends is a sorted set of
 * Redis TIME stamps, and a 429's "come back at" sits beside it, so every replica paces the same target by the same
 * clock. Returns 0 when the slot is taken.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then
  return blocked - now
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - math.max(interval, window))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and now - tonumber(last[2]) < interval then
  return interval - (now - tonumber(last[2]))
end
if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.max(interval, window) + 1000)
return 0
`;

/** Records a 429's deadline; never shortens one already recorded. */
const BLOCK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], tostring(until_ms), 'PX', tonumber(ARGV[1]) + 1000)
end
return 0
`;

@Injectable()
export class ChannelPacer {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async take(target: string, rules: PaceRules): Promise<number> {
    const result = await this.redis.eval(
      TAKE_SCRIPT,
      2,
      this.key('sent', target),
      this.key('blocked', target),
      rules.minIntervalMs,
      rules.window?.max ?? 0,
      rules.window?.windowMs ?? 0,
      `${process.pid}:${Math.random().toString(36).slice(2)}`,
    );
    return Number(result);
  }

  /** The service said 429: nobody sends to this target for `ms`. */
  async block(target: string, ms: number): Promise<void> {
    await this.redis.eval(BLOCK_SCRIPT, 1, this.key('blocked', target), Math.max(1, Math.ceil(ms)));
  }

  private key(kind: string, target: string): string {
    return `${this.config.redis.keyPrefix}:notifier:${kind}:${target}`;
  }
}
