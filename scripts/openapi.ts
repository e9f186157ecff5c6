/**
 * Writes openapi.yaml from the code (`npm run openapi`). The app is assembled in Nest's preview mode, so no database
 * or Redis is needed: only controller and DTO metadata are read. `--check` exits 1 when the committed file differs.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, loadConfig, renderOpenApiYaml } from '@app/core';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiModule } from '../apps/api/src/api.module';

export async function generateOpenApiYaml(): Promise<string> {
  const app = await NestFactory.create(ApiModule.forRoot(loadConfig({ NODE_ENV: 'test' })), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return renderOpenApiYaml(buildOpenApiDocument(app));
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const target = join(__dirname, '..', '..', 'openapi.yaml');
  const generated = await generateOpenApiYaml();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== generated) {
      process.stderr.write('openapi.yaml is out of date: run `npm run openapi` and commit the result\n');
      process.exit(1);
    }
    return;
  }
  writeFileSync(target, generated);
  process.stdout.write(`Wrote ${target}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
