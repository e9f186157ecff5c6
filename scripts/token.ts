/**
 * Mints a development token (HS256, the configured JWT_SECRET) for trying the API in Swagger UI:
 *   npm run token -- --role admin --sub ops [--courier-id c-1] [--ttl 1h]
 */
import { parseArgs } from 'node:util';
import { isRole, loadConfig, mintDevelopmentToken } from '@app/core';

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      'courier-id': { type: 'string' },
      ttl: { type: 'string', default: '1h' },
    },
  });
  const roles = values.role ?? [];
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new Error('--role is required: one or more of 1c, courier, admin');
  }
  if (roles.includes('courier') && !values['courier-id']) {
    throw new Error('a courier token needs --courier-id');
  }
  const token = mintDevelopmentToken(loadConfig(), {
    subject: values.sub ?? roles.join('-'),
    roles: roles,
    courierId: values['courier-id'],
    ttl: values.ttl,
  });
  process.stdout.write(`${token}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
