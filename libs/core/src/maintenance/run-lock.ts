import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Extends the lock only while it is still ours: a lapsed lock someone else took is not stolen back. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function runLockKey(keyPrefix: string, name: string): string {
  return `${keyPrefix}:recurring-job:${name}:lock`;
}

export type LockAttempt =
  | { readonly acquired: true; readonly lock: HeldRunLock }
  | {
      readonly acquired: false;
      /** How long the holder's lock has left, unless it renews it. */
      readonly expiresInMs: number;
    };

/**
 * One holder at a time per name, across processes: a Redis key holding a random token, with an expiry the holder
 * keeps pushing back while it works. A holder that dies stops renewing, so its lock lapses after `ttlMs` and no
 * later run waits for a process that is gone.
 */
export class RunLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
  ) {}

  async acquire(name: string): Promise<LockAttempt> {
    const key = runLockKey(this.keyPrefix, name);
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') {
      return { acquired: true, lock: new HeldRunLock(this.redis, key, token, this.ttlMs) };
    }
    const expiresInMs = await this.redis.pttl(key);
    return { acquired: false, expiresInMs: Math.max(expiresInMs, 0) };
  }
}

export class HeldRunLock {
  private readonly controller = new AbortController();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {
    // Per run, not recurring work: it lives exactly as long as this run holds the lock, in the process running it.
    this.renewal = setInterval(() => void this.renew(), Math.max(Math.floor(ttlMs / 3), 10));
    this.renewal.unref();
  }

  /** Aborts once the lock is lost (expired while Redis was unreachable, or taken over): the run should stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    let renewed: unknown;
    try {
      renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
    } catch {
      // Redis unreachable for a moment: the lock still has up to two thirds of its time; the next renewal decides.
      return;
    }
    if (renewed !== 1) {
      clearInterval(this.renewal);
      this.controller.abort(new Error(`lost the run lock ${this.key}`));
    }
  }
}
