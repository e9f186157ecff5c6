import { EnvReader } from '@app/core';
import { readNotifierConfig } from './notifier.config';

const TOKEN = '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';

function problemsOf(env: Record<string, string>, production = false): string[] {
  const read = new EnvReader(env, production);
  readNotifierConfig(read);
  return read.problems;
}

describe('notifier configuration', () => {
  it('needs nothing: no channel configured, alerts are simply not routed', () => {
    const read = new EnvReader({}, true);
    const settings = readNotifierConfig(read);
    expect(read.problems).toEqual([]);
    expect(settings.routes).toEqual({ info: [], warning: [], critical: [] });
    expect(settings.telegram).toBeUndefined();
  });

  it.each([
    [{ NOTIFY_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/api/x' }, 'must be a Slack incoming-webhook URL'],
    [{ NOTIFY_TELEGRAM_BOT_TOKEN: 'not-a-token', NOTIFY_TELEGRAM_CHAT_IDS: '1' }, 'must be a bot token'],
    [{ NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN }, 'must name at least one chat'],
    [{ NOTIFY_TELEGRAM_CHAT_IDS: '42' }, 'NOTIFY_TELEGRAM_BOT_TOKEN is not'],
    [{ NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN, NOTIFY_TELEGRAM_CHAT_IDS: '42,general' }, '"general" is neither'],
    [{ NOTIFY_ROUTES: 'urgent:slack' }, 'unknown severity "urgent"'],
    [
      { NOTIFY_SLACK_WEBHOOK_URL: 'https://h/services/a/b/c', NOTIFY_ROUTES: 'critical:pigeon' },
      'unknown channel "pigeon"',
    ],
    [{ NOTIFY_ROUTES: 'critical:telegram' }, 'sends critical alerts to telegram, which is not configured'],
    [{ NOTIFY_TIME_ZONE: 'Mars/Olympus' }, 'NOTIFY_TIME_ZONE must be an IANA time zone'],
    [{ NOTIFY_DIGEST_THRESHOLD: '0' }, 'NOTIFY_DIGEST_THRESHOLD must be >= 1'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(problem) as string]);
  });

  it('refuses plain-http channels in production', () => {
    expect(problemsOf({ NOTIFY_SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T/B/x' }, true)).toEqual([
      expect.stringContaining('NOTIFY_SLACK_WEBHOOK_URL must use https:') as string,
    ]);
  });

  it('never repeats a secret in a problem', () => {
    const secret = 'https://hooks.slack.com/hooks/T1/B1/very-secret-part';
    const token = '12:short-secret-token';
    const problems = problemsOf({
      NOTIFY_SLACK_WEBHOOK_URL: secret,
      NOTIFY_TELEGRAM_BOT_TOKEN: token,
      NOTIFY_TELEGRAM_CHAT_IDS: '1',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toMatch(/very-secret-part|short-secret-token/);
  });
});
