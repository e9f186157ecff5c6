import { EnvReader } from '@app/core';
import { readNotifierConfig } from '../notifier.config';
import type { Alert } from '../ports/alert-publisher.port';
import { channelKey, isGroupChat, parseChannelKey, route } from './channel-routing';

const TOKEN = '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';
const settings = (env: Record<string, string>) => {
  const read = new EnvReader(env, false);
  const result = readNotifierConfig(read);
  expect(read.problems).toEqual([]);
  return result;
};
const both = settings({
  NOTIFY_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B1/secret',
  NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN,
  NOTIFY_TELEGRAM_CHAT_IDS: '-1001,42',
});
const alert = (overrides: Partial<Alert>): Alert => ({
  id: 'd',
  transition: 'opened',
  rule: 'r',
  severity: 'critical',
  title: 't',
  subject: 's',
  value: null,
  limit: null,
  since: new Date(),
  link: '/x',
  ...overrides,
});
const keys = (routing: ReturnType<typeof route>) => routing.targets.map(channelKey);

describe('route', () => {
  it('sends by severity to the configured channels, each Telegram chat a target of its own', () => {
    expect(keys(route(alert({ severity: 'critical' }), both))).toEqual(['slack', 'telegram:-1001', 'telegram:42']);
    expect(keys(route(alert({ severity: 'info' }), both))).toEqual(['slack']);
  });

  it('follows the alert’s own channels instead, and reports names it does not know', () => {
    const routing = route(alert({ severity: 'info', channels: ['telegram', 'pager'] }), both);
    expect(keys(routing)).toEqual(['telegram:-1001', 'telegram:42']);
    expect(routing.unknownChannels).toEqual(['pager']);
  });

  it('routes to nothing where nothing is configured', () => {
    expect(keys(route(alert({}), settings({})))).toEqual([]);
    expect(
      keys(
        route(alert({ channels: ['telegram'] }), settings({ NOTIFY_SLACK_WEBHOOK_URL: 'https://h/services/a/b/c' })),
      ),
    ).toEqual([]);
  });

  it('honours NOTIFY_ROUTES', () => {
    const custom = settings({
      NOTIFY_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B1/secret',
      NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN,
      NOTIFY_TELEGRAM_CHAT_IDS: '42',
      NOTIFY_ROUTES: 'critical:telegram, warning:slack+telegram',
    });
    expect(keys(route(alert({ severity: 'critical' }), custom))).toEqual(['telegram:42']);
    expect(keys(route(alert({ severity: 'info' }), custom))).toEqual([]);
  });
});

describe('channel keys', () => {
  it('round-trips and knows groups by their negative ids', () => {
    expect(parseChannelKey('telegram:-1001')).toEqual({ kind: 'telegram', chatId: '-1001' });
    expect(parseChannelKey('slack')).toEqual({ kind: 'slack' });
    expect(parseChannelKey('pager')).toBeUndefined();
    expect(isGroupChat('-1001')).toBe(true);
    expect(isGroupChat('42')).toBe(false);
  });
});
