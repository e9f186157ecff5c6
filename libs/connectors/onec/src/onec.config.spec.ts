import { ConfigValidationError, loadConfig } from '@app/core';
import './onec.config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigValidationError ? [...error.problems] : [String(error)];
  }
};

describe('1C connector configuration', () => {
  it('starts with nothing set: no exchange account, no HTTP service, the documented defaults', () => {
    const { onec } = loadConfig({});
    expect(onec).toMatchObject({
      httpBaseUrl: undefined,
      http: undefined,
      exchange: {
        account: undefined,
        fileLimitBytes: 1024 * 1024,
        zip: true,
        images: 'store',
        encoding: 'windows-1251',
        importSliceMs: 5_000,
        loginAttempts: 10,
        loginAttemptsTotal: 100,
      },
      sale: { schemaVersion: '2.10', queryLimit: 500 },
      timeZone: 'Europe/Moscow',
    });
  });

  it('reads the exchange account and the HTTP service together with their credentials', () => {
    const { onec } = loadConfig({
      ONEC_EXCHANGE_LOGIN: 'exchange',
      ONEC_EXCHANGE_PASSWORD: 'secret',
      ONEC_HTTP_BASE_URL: 'https://1c.example.com/base/hs/mm',
      ONEC_HTTP_LOGIN: 'mm',
      ONEC_HTTP_PASSWORD: 'pw',
    });
    expect(onec.exchange.account).toEqual({ login: 'exchange', password: 'secret' });
    expect(onec.http).toMatchObject({ baseUrl: 'https://1c.example.com/base/hs/mm', login: 'mm', password: 'pw' });
  });

  it('refuses a short exchange password in production only, naming the variable', () => {
    const account = { ONEC_EXCHANGE_LOGIN: 'exchange', ONEC_EXCHANGE_PASSWORD: 'fifteen-chars!!' };
    const message = 'ONEC_EXCHANGE_PASSWORD must be at least 16 characters in production';
    expect(problemsOf({ ...account, NODE_ENV: 'production' })).toContain(message);
    expect(
      problemsOf({ ...account, ONEC_EXCHANGE_PASSWORD: 'sixteen-chars!!!', NODE_ENV: 'production' }),
    ).not.toContain(message);
    expect(problemsOf(account)).toEqual([]);
  });

  it('refuses half an account, a login Basic cannot carry, a password without login, a bad zone', () => {
    expect(problemsOf({ ONEC_EXCHANGE_LOGIN: 'exchange' })).toEqual([
      'ONEC_EXCHANGE_LOGIN and ONEC_EXCHANGE_PASSWORD are set together or not at all',
    ]);
    expect(problemsOf({ ONEC_EXCHANGE_LOGIN: 'a:b', ONEC_EXCHANGE_PASSWORD: 'x' })).toEqual([
      'ONEC_EXCHANGE_LOGIN must not contain ":" (HTTP Basic cannot carry it)',
    ]);
    expect(problemsOf({ ONEC_HTTP_PASSWORD: 'pw' })).toEqual(['ONEC_HTTP_PASSWORD is set without ONEC_HTTP_LOGIN']);
    expect(problemsOf({ ONEC_TIME_ZONE: 'Mars/Olympus' })).toEqual([
      'ONEC_TIME_ZONE must be an IANA time zone such as Europe/Moscow, got "Mars/Olympus"',
    ]);
    expect(problemsOf({ ONEC_EXCHANGE_ENCODING: 'koi8-r', ONEC_EXCHANGE_FILE_LIMIT: '10' })).toEqual([
      'ONEC_EXCHANGE_FILE_LIMIT must be >= 1024, got 10',
      'ONEC_EXCHANGE_ENCODING must be one of windows-1251, utf-8, got "koi8-r"',
    ]);
  });
});
