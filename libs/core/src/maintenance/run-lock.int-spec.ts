import { randomBytes } from 'node:crypto';
import { deleteRedisKeys, TEST_REDIS_URL, waitFor } from '@app/testing';
import { Redis } from 'ioredis';
import { runLockKey, RunLocks } from './run-lock';

describe('RunLocks (real Redis)', () => {
  const prefix = `mmtest:${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, `${prefix}*`);
    redis.disconnect();
  });

  it('keeps a lock its holder renews past its time to live, and hands it on once released', async () => {
    // Renewed every half second: a loaded CI machine's event-loop stalls of a second do not make it lapse.
    const locks = new RunLocks(redis, prefix, 1_500);
    const first = await locks.acquire('purge');
    if (!first.acquired) {
      throw new Error('the first acquire must succeed');
    }
    // Three times the time to live: without renewal the lock would have lapsed twice over.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const second = await locks.acquire('purge');
    expect(second).toEqual({ acquired: false, expiresInMs: expect.any(Number) });
    expect(first.lock.signal.aborted).toBe(false);
    expect((await locks.acquire('another-job')).acquired).toBe(true);

    await first.lock.release();
    const third = await locks.acquire('purge');
    expect(third.acquired).toBe(true);
    if (third.acquired) {
      await third.lock.release();
    }
  });

  it('tells the run it lost its lock (lapsed while Redis was out of reach, or taken over)', async () => {
    const locks = new RunLocks(redis, prefix, 300);
    const attempt = await locks.acquire('reconcile');
    if (!attempt.acquired) {
      throw new Error('the acquire must succeed');
    }
    await redis.set(runLockKey(prefix, 'reconcile'), 'someone-else', 'PX', 10_000);
    await waitFor(() => Promise.resolve(attempt.lock.signal.aborted), { what: 'the run told its lock is gone' });
    await attempt.lock.release();
    // Releasing a lock that is no longer ours leaves the new holder's alone.
    expect(await redis.get(runLockKey(prefix, 'reconcile'))).toBe('someone-else');
  });

  it('lets a dead holder’s lock lapse after its time to live', async () => {
    await redis.set(runLockKey(prefix, 'drain'), 'dead-process', 'PX', 200);
    const locks = new RunLocks(redis, prefix, 300);
    expect((await locks.acquire('drain')).acquired).toBe(false);
    const later = await waitFor(
      async () => {
        const attempt = await locks.acquire('drain');
        return attempt.acquired && attempt;
      },
      { what: 'the lapsed lock taken' },
    );
    await later.lock.release();
  });
});
