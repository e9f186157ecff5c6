/**
 * A worker process exactly like apps/worker, plus what the test suites register: the recording test consumer (tests
 * spawn it to prove delivery guarantees across real process crashes) and the entity kinds their Bitrix24 mappings
 * use. Never deployed.
 */
import 'reflect-metadata';
import { loadConfig } from '@app/core';
import { startWorker } from '../../../../apps/worker/src/worker';
import { Bitrix24TestKindsModule } from '../fakes/bitrix24/test-kinds';
import { TestConsumersModule } from './test-consumers';

async function main(): Promise<void> {
  const config = loadConfig();
  const worker = await startWorker(config, {
    imports: [TestConsumersModule, Bitrix24TestKindsModule],
    domains: false,
  });
  process.stdout.write(`Test worker ${process.pid} started (ops endpoints on port ${worker.opsPort})\n`);
  const stop = (): void => {
    void worker.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `Test worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
