import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AppConfig, REDIS_CLIENT } from '@app/core';
import type { Redis } from 'ioredis';

export interface RunningHttpApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on an ephemeral port so tests speak real HTTP to exactly what production runs, once the app's Redis
 * connection is up: the app serves before it is (readiness says `degraded` meanwhile, as it should), and a test's
 * first request on a loaded machine could otherwise meet it still connecting.
 */
export async function listen(app: NestFastifyApplication): Promise<RunningHttpApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  await redisConnected(app);
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

/** Until the app's Redis client is ready, fails, or 5 s pass: a test that starts with Redis down goes on at once. */
async function redisConnected(app: NestFastifyApplication): Promise<void> {
  const redis = app.get<Redis | undefined>(REDIS_CLIENT, { strict: false });
  if (!redis || !['wait', 'connecting', 'connect'].includes(redis.status)) {
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done).off('error', done).off('end', done);
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    redis.once('ready', done).once('error', done).once('end', done);
  });
}

export type AppFactory = (
  config: AppConfig,
  options: { imports?: readonly (Type<unknown> | DynamicModule)[] },
) => Promise<NestFastifyApplication>;
