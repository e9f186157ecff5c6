import 'reflect-metadata';
import { ConfigValidationError, loadConfig, PortBindingError } from '@app/core';
import { Logger } from 'nestjs-pino';
import { createApiApplication } from './api';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApplication(config);
  if (config.jwt.usesDevelopmentSecret) {
    app
      .get(Logger)
      .warn(
        'JWT_SECRET is not set: using the PUBLIC development secret. Anyone can mint tokens. Never run this in production.',
      );
  }
  await app.listen({ port: config.http.port, host: config.http.host });
  app.get(Logger).log(`API listening on ${await app.getUrl()} (Swagger UI at /docs)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof PortBindingError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
