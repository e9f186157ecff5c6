import { AppConfig, REDIS_CLIENT } from '@app/core';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { whenReady } from '../client/rate-limiter';
import { OfflineQueueDrain } from './offline-drain';
import { Reconciler } from './reconciler';

/**
 * Recovery runs at start-up (what happened while we were down) and then periodically: the offline-queue drain in
 * OAuth mode, the reconcile in webhook mode. A Redis lease keeps replicas from running the same job at once.
 */
/**
 * Two replicas running the same recovery at once is harmless (reservations are disjoint, the reconcile is
 * idempotent), only wasteful; so the lease is short, and a crashed holder delays the next start's recovery little.
 */
const LEASE_MS = 60_000;
const RETRY_AFTER_FAILURE_MS = 10_000;

@Injectable()
export class Bitrix24Scheduler implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(Bitrix24Scheduler.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly held = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly drain: OfflineQueueDrain,
    private readonly reconciler: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    const { authMode, offlinePollIntervalMs, reconcileIntervalMs } = this.config.bitrix24;
    if (authMode === 'oauth') {
      this.every('offline-drain', offlinePollIntervalMs, async () => {
        await this.drain.ensureBindings();
        await this.drain.drain();
      });
    } else if (authMode === 'webhook') {
      this.every('reconcile', reconcileIntervalMs, () => this.reconciler.run());
    }
  }

  /** Leases are given back while Redis is still connected, so a restart recovers at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    await Promise.all([...this.held].map(([name, token]) => this.release(name, token)));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private every(name: string, intervalMs: number, job: () => Promise<unknown>): void {
    if (intervalMs <= 0) {
      return;
    }
    const tick = async (): Promise<void> => {
      if (this.stopped) {
        return;
      }
      let next = intervalMs;
      try {
        await whenReady(this.redis);
        const token = await this.lease(name);
        if (token) {
          try {
            await job();
          } finally {
            await this.release(name, token);
          }
        }
      } catch (error) {
        // Recovery matters most right after a restart: try again soon rather than a whole interval later.
        next = Math.min(intervalMs, RETRY_AFTER_FAILURE_MS);
        this.logger.warn(`Bitrix24 ${name} failed (next run in ${next} ms): ${String(error)}`);
      }
      if (!this.stopped) {
        this.timers.push(setTimeout(() => void tick(), next).unref());
      }
    };
    this.timers.push(setTimeout(() => void tick(), 0).unref());
  }

  /** Held only while the job runs (it lapses by itself if this process dies mid-run). */
  private async lease(name: string): Promise<string | undefined> {
    const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    const granted = await this.redis.set(this.leaseKey(name), token, 'PX', LEASE_MS, 'NX');
    if (granted !== 'OK') {
      return undefined;
    }
    this.held.set(name, token);
    return token;
  }

  private async release(name: string, token: string): Promise<void> {
    this.held.delete(name);
    await this.redis
      .eval(
        `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
        1,
        this.leaseKey(name),
        token,
      )
      .catch(() => undefined);
  }

  private leaseKey(name: string): string {
    return `${this.config.redis.keyPrefix}:bitrix24:lease:${name}`;
  }
}
