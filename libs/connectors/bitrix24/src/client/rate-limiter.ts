import { AppConfig, REDIS_CLIENT } from '@app/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * A leaky bucket in Redis, mirroring the portal's (protocol doc §2.1): `level` drains at `rate` per second, a request
 * is admitted while `level + 1 <= capacity`. Redis's own clock is used so replicas with skewed clocks agree.
 * Returns 0 when admitted, otherwise the milliseconds until a slot frees up.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'level', 'ts')
local level = tonumber(state[1]) or 0
local ts = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - ts) * rate / 1000)
local wait = 0
if level + 1 <= capacity then
  level = level + 1
else
  wait = math.ceil((level + 1 - capacity) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 60000)
return wait
`;

const MAX_SLEEP_MS = 1_000;

/**
 * One limiter per portal shared by every replica: callers wait for a slot instead of failing, and a batch counts as
 * one request. Keys carry REDIS_KEY_PREFIX so parallel test runs and environments never share a bucket.
 */
@Injectable()
export class PortalRateLimiter {
  private readonly capacity: number;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    const { burst, safetyMargin } = config.bitrix24.rate;
    this.capacity = Math.max(1, burst - safetyMargin);
  }

  private get key(): string {
    return `${this.config.redis.keyPrefix}:bitrix24:bucket:${this.config.bitrix24.portal ?? 'unconfigured'}`;
  }

  /** Resolves when this process may send one request; returns the milliseconds it waited. */
  async acquire(signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    await whenReady(this.redis);
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(
        await this.redis.eval(TAKE_SCRIPT, 1, this.key, this.capacity, this.config.bitrix24.rate.perSecond),
      );
      if (wait <= 0) {
        return Date.now() - started;
      }
      // A little jitter so waiting replicas do not all retry in the same millisecond.
      await sleep(Math.min(MAX_SLEEP_MS, wait) + Math.floor(Math.random() * 10));
    }
  }
}

const READY_TIMEOUT_MS = 5_000;

/**
 * The shared client fails fast instead of queueing commands; right after start-up it may still be connecting, so
 * quota bookkeeping waits briefly for it rather than failing the first calls of a fresh worker.
 */
export async function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, READY_TIMEOUT_MS);
    function done(): void {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
