import 'reflect-metadata';
import { ConfigValidationError, loadConfig, PortBindingError } from '@app/core';
import { Logger } from 'nestjs-pino';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const worker = await startWorker(config);
  const logger = worker.app.get(Logger);
  logger.log(`Worker started (ops endpoints on port ${worker.opsPort})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log(`${signal} received: finishing in-flight jobs (at most ${config.shutdown.timeoutMs} ms)`);
    // In-flight jobs that outlive the grace period are re-delivered by BullMQ's stalled-job check: nothing is lost.
    setTimeout(() => {
      logger.warn('Shutdown timeout reached; exiting with jobs still running');
      process.exit(1);
    }, config.shutdown.timeoutMs).unref();
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof PortBindingError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
