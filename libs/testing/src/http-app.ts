import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/core';

export interface RunningHttpApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on an ephemeral port so tests speak real HTTP to exactly what production runs. */
export async function listen(app: NestFastifyApplication): Promise<RunningHttpApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

export type AppFactory = (
  config: AppConfig,
  options: { imports?: readonly (Type<unknown> | DynamicModule)[] },
) => Promise<NestFastifyApplication>;
