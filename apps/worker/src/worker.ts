import { AppConfig, MetricsService, ReadinessService, startOpsServer } from '@app/core';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { WorkerModule, WorkerModuleOptions } from './worker.module';

export interface RunningWorker {
  readonly app: INestApplicationContext;
  readonly opsPort: number;
  /** Stops taking jobs, lets in-flight jobs finish, closes connections. */
  close(): Promise<void>;
}

export async function startWorker(config: AppConfig, options?: WorkerModuleOptions): Promise<RunningWorker> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  const ops = await startOpsServer(app.get(ReadinessService), app.get(MetricsService), config.worker.opsPort);
  return {
    app,
    opsPort: ops.port,
    close: async () => {
      await closeServer(ops.server);
      await app.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
