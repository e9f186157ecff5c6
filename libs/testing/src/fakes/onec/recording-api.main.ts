/**
 * An API process exactly like apps/api, with the exchange's ports bound to the recording test doubles instead of the
 * domain libs: tests spawn
 * it to prove that an exchange survives the API being killed mid-import. Never deployed.
 */
import 'reflect-metadata';
import { loadConfig } from '@app/core';
import { createApiApplication } from '../../../../../apps/api/src/api';
import { RecordingOnecPortsModule } from './recording-ports';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApplication(config, { imports: [RecordingOnecPortsModule], domains: false });
  await app.listen({ port: config.http.port, host: config.http.host });
  process.stdout.write(`Recording API ${process.pid} listening on ${await app.getUrl()}\n`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `Recording API failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
