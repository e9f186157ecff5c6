import { randomBytes } from 'node:crypto';
import { deleteRedisKeys, TEST_REDIS_URL } from '@app/testing';
import { Redis } from 'ioredis';
import { BreakerState, ReplicatedCircuitBreaker } from './replicated-circuit-breaker';

class Flaky extends Error {}

describe('ReplicatedCircuitBreaker (real Redis)', () => {
  const prefix = `mmtest:${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, `${prefix}*`);
    redis.disconnect();
  });

  it('opens after consecutive counted failures, refuses fast, half-opens after the cool-down, and publishes', async () => {
    const changes: [BreakerState, number][] = [];
    const breaker = new ReplicatedCircuitBreaker({
      name: 'remote:test',
      settings: { failureThreshold: 3, halfOpenAfterMs: 300 },
      counts: (error) => error instanceof Flaky,
      redis,
      keyPrefix: prefix,
      onStateChange: (state, gauge) => changes.push([state, gauge]),
    });
    breaker.start();
    const fail = () =>
      breaker.execute(
        () => Promise.reject(new Flaky('502')),
        () => new Error('open'),
      );

    // A failure that does not count (say, validation) never opens the circuit.
    for (let index = 0; index < 5; index += 1) {
      await expect(
        breaker.execute(
          () => Promise.reject(new TypeError('bad input')),
          () => new Error('open'),
        ),
      ).rejects.toThrow(TypeError);
    }
    expect(breaker.state).toBe('closed');

    for (let index = 0; index < 3; index += 1) {
      await expect(fail()).rejects.toThrow('502');
    }
    expect(breaker.state).toBe('open');
    expect(breaker.refusing).toBe(true);
    let reached = false;
    await expect(
      breaker.execute(
        () => {
          reached = true;
          return Promise.resolve('never');
        },
        () => new Error('circuit open'),
      ),
    ).rejects.toThrow('circuit open');
    expect(reached).toBe(false);

    const published = await ReplicatedCircuitBreaker.readAll(redis, prefix, 'remote:test');
    expect(published).toEqual([expect.objectContaining({ state: 'open', lastFailure: '502' })]);
    expect(await ReplicatedCircuitBreaker.readAll(redis, prefix, 'other')).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(breaker.refusing).toBe(false);
    await expect(
      breaker.execute(
        () => Promise.resolve('ok'),
        () => new Error('open'),
      ),
    ).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes.map(([state]) => state)).toEqual(['closed', 'open', 'half_open', 'closed']);
    expect(changes.map(([, gauge]) => gauge)).toEqual([0, 2, 1, 0]);

    await breaker.stop();
    expect(await ReplicatedCircuitBreaker.readAll(redis, prefix, 'remote:test')).toEqual([]);
  });
});
