import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@app/core';
import { deleteRedisKeys, TEST_REDIS_URL } from '@app/testing';
import { Redis } from 'ioredis';
import { ChannelPacer } from './channel-pacer';

/** Two pacers on their own connections stand for two worker replicas sharing one Redis. */
describe('ChannelPacer (real Redis)', () => {
  const keyPrefix = `test-pacer-${randomUUID().slice(0, 8)}`;
  const config = { redis: { keyPrefix } } as AppConfig;
  let connections: Redis[];
  let replicaA: ChannelPacer;
  let replicaB: ChannelPacer;

  beforeAll(() => {
    connections = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
    replicaA = new ChannelPacer(config, connections[0]);
    replicaB = new ChannelPacer(config, connections[1]);
  });
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, `${keyPrefix}*`);
    connections.forEach((connection) => connection.disconnect());
  });

  it('keeps the interval between replicas', async () => {
    const target = `slack-${randomUUID()}`;
    expect(await replicaA.take(target, { minIntervalMs: 1_000 })).toBe(0);
    const wait = await replicaB.take(target, { minIntervalMs: 1_000 });
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1_000);
    // Another target has its own pace.
    expect(await replicaB.take(`${target}-other`, { minIntervalMs: 1_000 })).toBe(0);
  });

  it('keeps a window of at most N sends, whoever sends', async () => {
    const target = `telegram:-${Date.now()}`;
    const rules = { minIntervalMs: 0, window: { max: 3, windowMs: 60_000 } };
    expect(await replicaA.take(target, rules)).toBe(0);
    expect(await replicaB.take(target, rules)).toBe(0);
    expect(await replicaA.take(target, rules)).toBe(0);
    const wait = await replicaB.take(target, rules);
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });

  it('holds every replica back until a 429’s deadline, never shortening it', async () => {
    const target = `telegram:${Date.now()}`;
    await replicaA.block(target, 5_000);
    await replicaB.block(target, 1_000);
    const wait = await replicaB.take(target, { minIntervalMs: 0 });
    expect(wait).toBeGreaterThan(4_500);
    expect(wait).toBeLessThanOrEqual(5_000);
  });
});
