import { AppConfig, type Clock } from '@app/core';
import {
  Bitrix24TestKindsModule,
  createTestEnvironment,
  listen,
  RecordingAlertPublisher,
  RunningHttpApp,
  TestEnvironment,
} from '@app/testing';
import type { DynamicModule, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';

type Modules = readonly (Type<unknown> | DynamicModule)[];

/**
 * The API and a worker in the test's process, over a fresh test environment. Both register the entity kinds the
 * tests' Bitrix24 mappings use, as the domain libs will.
 */
export interface InProcessMiddleware {
  readonly env: TestEnvironment;
  readonly config: AppConfig;
  readonly api: RunningHttpApp;
  readonly db: DataSource;
  readonly worker: RunningWorker | undefined;
  /** Starts a worker (another one if one runs already); `close()` stops every worker started. */
  startWorker(imports?: Modules): Promise<RunningWorker>;
  /** Stops the first worker, e.g. to simulate the middleware being down. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startInProcessMiddleware(
  options: {
    env?: Record<string, string>;
    apiImports?: Modules;
    workerImports?: Modules;
    worker?: boolean;
    /** The domain libs too (their e2e suites); the connectors' suites leave them out. */
    domains?: boolean;
    /** One clock for the API and every worker, which the test moves forward. */
    clock?: Clock;
    /** Where the API and every worker publish the SLA monitors' alerts: recorded, not sent. */
    alerts?: RecordingAlertPublisher;
  } = {},
): Promise<InProcessMiddleware> {
  const domains = options.domains ?? false;
  const env = await createTestEnvironment({ env: options.env });
  const config = env.config();
  const api = await listen(
    await createApiApplication(config, {
      imports: [Bitrix24TestKindsModule, ...(options.apiImports ?? [])],
      domains,
      clock: options.clock,
      alerts: options.alerts,
    }),
  );
  const workers: RunningWorker[] = [];
  const start = async (imports: Modules = options.workerImports ?? []): Promise<RunningWorker> => {
    const worker = await startWorker({ ...config, worker: { ...config.worker, opsPort: 0 } } as AppConfig, {
      imports: [Bitrix24TestKindsModule, ...imports],
      domains,
      clock: options.clock,
      alerts: options.alerts,
    });
    workers.push(worker);
    return worker;
  };
  if (options.worker ?? true) {
    await start();
  }
  return {
    env,
    config,
    api,
    db: api.app.get(DataSource),
    get worker() {
      return workers[0];
    },
    startWorker: start,
    stopWorker: async () => {
      await workers.shift()?.close();
    },
    close: async () => {
      for (const worker of workers.splice(0)) {
        await worker.close();
      }
      await api.close();
      await env.dispose();
    },
  };
}
