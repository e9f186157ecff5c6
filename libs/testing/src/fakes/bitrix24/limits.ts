import type { Clock } from './types';

/**
 * The per-portal request-rate limiter: a leaky bucket of `burst` requests draining at `drainPerSec`
 * (protocol doc §2.1: 50 / 2 per s, Enterprise 250 / 5). A rejected request does not fill the bucket.
 */
export class LeakyBucket {
  private level = 0;
  private lastMs: number;
  private maxLevel = 0;

  constructor(
    private readonly clock: Clock,
    public burst: number,
    public drainPerSec: number,
  ) {
    this.lastMs = clock();
  }

  tryTake(): boolean {
    const now = this.clock();
    this.level = Math.max(0, this.level - ((now - this.lastMs) / 1000) * this.drainPerSec);
    this.lastMs = now;
    if (this.level + 1 > this.burst) {
      return false;
    }
    this.level += 1;
    this.maxLevel = Math.max(this.maxLevel, this.level);
    return true;
  }

  get maxObservedFill(): number {
    return this.maxLevel;
  }
}

const MINUTE_SEC = 60;

/**
 * Per-method "operating" budget: processing seconds summed over ten one-minute buckets, keyed per credential and
 * method (protocol doc §2.2). Over budget, the next call to that method is refused until the oldest bucket ages out.
 */
export class OperatingBudget {
  private readonly buckets = new Map<string, Map<number, number>>();

  constructor(
    private readonly clock: Clock,
    public limitSec: number,
    private readonly windowSec = 600,
  ) {}

  isBlocked(key: string): boolean {
    return this.snapshot(key).operating >= this.limitSec;
  }

  charge(key: string, seconds: number): void {
    const minute = Math.floor(this.clock() / 1000 / MINUTE_SEC) * MINUTE_SEC;
    const perKey = this.buckets.get(key) ?? new Map<number, number>();
    perKey.set(minute, (perKey.get(minute) ?? 0) + seconds);
    this.buckets.set(key, perKey);
  }

  /** The figures a successful answer reports in `time.operating` / `time.operating_reset_at`. */
  snapshot(key: string): { operating: number; resetAt: number } {
    const nowSec = this.clock() / 1000;
    const perKey = this.buckets.get(key);
    let operating = 0;
    let oldest = Math.floor(nowSec);
    for (const [minute, seconds] of perKey ?? []) {
      if (minute + this.windowSec <= nowSec) {
        perKey?.delete(minute);
        continue;
      }
      operating += seconds;
      oldest = Math.min(oldest, minute);
    }
    return { operating, resetAt: oldest + this.windowSec };
  }
}
