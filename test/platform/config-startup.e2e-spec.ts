import { APP_ENTRYPOINTS, AppProcess } from '@app/testing';

describe('start-up with bad configuration', () => {
  it.each(Object.keys(APP_ENTRYPOINTS).filter((kind) => kind !== 'testWorker') as ('api' | 'worker')[])(
    'the %s stops at once with one clear line per problem and no stack trace',
    async (kind) => {
      const app = AppProcess.start(kind, {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://admin:s3cret@db/x',
        NODE_ENV: 'production',
        LOG_LEVEL: 'verbose',
      });
      const exit = await app.waitForExit();
      expect(exit.code).toBe(1);
      expect(app.logs).toContain('Invalid configuration:');
      expect(app.logs).toContain('  - PORT must be an integer, got "eighty"');
      expect(app.logs).toContain('  - DATABASE_URL must use postgres: or postgresql:, got "mysql:"');
      expect(app.logs).toContain(
        '  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      );
      expect(app.logs).toContain('  - JWT_PUBLIC_KEY or JWT_JWKS_URL (or JWT_SECRET) is required in production');
      expect(app.logs).not.toContain('s3cret');
      expect(app.logs).not.toMatch(/\n\s+at /);
    },
  );
});
