import { AppConfig, createHttpApplication } from '@app/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule, ApiModuleOptions } from './api.module';

export function createApiApplication(config: AppConfig, options?: ApiModuleOptions): Promise<NestFastifyApplication> {
  return createHttpApplication(ApiModule.forRoot(config, options) as never, config);
}
