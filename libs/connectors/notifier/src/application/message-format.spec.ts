import { parseTelegramHtml } from '@app/testing';
import type { Alert } from '../ports/alert-publisher.port';
import {
  clip,
  formatAlert,
  formatDigest,
  FormatOptions,
  headline,
  pluralAlerts,
  SLACK_MRKDWN,
  TELEGRAM_HTML,
} from './message-format';

const options: FormatOptions = {
  linkBaseUrl: 'https://admin.example.ru',
  digestLinkPath: '/api/v1/admin/sla/deviations?status=open',
  timeZone: 'Europe/Moscow',
};

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'dev-1',
    transition: 'opened',
    rule: 'cash_not_handed_over',
    severity: 'critical',
    title: 'Наличные не сданы',
    subject: 'Курьер Петров',
    value: '15000.00 RUB',
    limit: '10000.00 RUB',
    since: new Date('2026-12-06T06:15:00Z'),
    link: '/api/v1/admin/sla/deviations/dev-1',
    ...overrides,
  };
}

describe('formatAlert', () => {
  it('says what, who, how much against the limit, since when (operators’ zone) and links to it', () => {
    expect(formatAlert(alert(), TELEGRAM_HTML, options)).toBe(
      [
        '🔴 Открыто: <b>Наличные не сданы</b>',
        'Кто: Курьер Петров',
        'Сколько: 15000.00 RUB при пороге 10000.00 RUB',
        'С: 06.12.2026 09:15 (Europe/Moscow)',
        'Правило: cash_not_handed_over · критично',
        '<a href="https://admin.example.ru/api/v1/admin/sla/deviations/dev-1">Подробнее</a>',
      ].join('\n'),
    );
  });

  it('marks a resolution and leaves out what the alert does not have', () => {
    const text = formatAlert(alert({ transition: 'resolved', value: null, limit: null }), SLACK_MRKDWN, options);
    expect(text.split('\n')[0]).toBe('✅ Решено: *Наличные не сданы*');
    expect(text).not.toContain('Сколько');
    expect(text).toContain('Длилось с: 06.12.2026 09:15');
    expect(text).toContain('<https://admin.example.ru/api/v1/admin/sla/deviations/dev-1|Подробнее>');
  });

  it('shows the bare path when no public base URL is configured', () => {
    expect(formatAlert(alert(), TELEGRAM_HTML, { ...options, linkBaseUrl: undefined })).toContain(
      '\n/api/v1/admin/sla/deviations/dev-1',
    );
  });

  it('escapes markup for Telegram HTML so the Bot API parses what it is given', () => {
    const hostile = alert({ title: '<script>&', subject: 'ООО "Рога & <Копыта>"', value: '<b>1</b>' });
    const text = formatAlert(hostile, TELEGRAM_HTML, options);
    expect(text).toContain('<b>&lt;script&gt;&amp;</b>');
    expect(text).toContain('ООО &quot;Рога &amp; &lt;Копыта&gt;&quot;');
    const parsed = parseTelegramHtml(text);
    expect(parsed).toEqual({ text: expect.stringContaining('ООО "Рога & <Копыта>"') as string });
  });

  it('escapes Slack mrkdwn and defuses mentions and emphasis breakers', () => {
    const text = formatAlert(alert({ title: 'a*b <!channel>', subject: '<@U123> & co' }), SLACK_MRKDWN, options);
    expect(text).toContain('*a∗b &lt;!channel&gt;*');
    expect(text).toContain('&lt;@U123&gt; &amp; co');
    expect(text).not.toMatch(/<!channel>|<@U123>/);
  });

  it('clips overlong fields so one alert never nears a channel limit', () => {
    const text = formatAlert(alert({ title: 'т'.repeat(10_000), subject: 's'.repeat(10_000) }), SLACK_MRKDWN, options);
    expect(text.length).toBeLessThan(1_000);
    expect(text).toContain('…');
  });

  it('gives Slack a plain headline for its notification', () => {
    expect(headline(alert(), SLACK_MRKDWN)).toBe('🔴 Открыто: Наличные не сданы — Курьер Петров');
  });
});

describe('formatDigest', () => {
  const many = (count: number, title = 'Наличные не сданы') =>
    Array.from({ length: count }, (_, i) =>
      alert({
        id: `dev-${i}`,
        title: `${title} ${i}`,
        severity: i % 10 === 9 ? 'critical' : 'warning',
        transition: i % 5 === 4 ? 'resolved' : 'opened',
        link: `/api/v1/admin/sla/deviations/dev-${i}`,
      }),
    );

  it('lists every alert when they fit, most severe first, with the total and the link to all', () => {
    const digest = formatDigest(many(10), TELEGRAM_HTML, options);
    expect(digest.listed).toBe(10);
    const lines = digest.text.split('\n');
    expect(lines[0]).toBe('<b>📋 Сводка: 10 оповещений (открыто 8, решено 2)</b>');
    expect(lines[1]).toContain('Наличные не сданы 9');
    expect(lines).toHaveLength(12);
    expect(lines[11]).toContain('Все: <a href="https://admin.example.ru/api/v1/admin/sla/deviations?status=open">');
    expect(parseTelegramHtml(digest.text)).toEqual({ text: expect.any(String) as string });
  });

  it.each([
    ['Telegram', TELEGRAM_HTML, 4096],
    ['Slack', SLACK_MRKDWN, 3000],
  ] as const)('stays within %s’s %i characters and counts the rest as "and N more"', (_name, style, limit) => {
    const alerts = many(200, 'Очень длинное название отклонения, которое повторяется '.repeat(3));
    const digest = formatDigest(alerts, style, options);
    expect(digest.text.length).toBeLessThanOrEqual(limit);
    expect(digest.listed).toBeGreaterThan(3);
    expect(digest.listed).toBeLessThan(200);
    expect(digest.text).toContain(`…и ещё ${200 - digest.listed} — `);
    expect(digest.text.split('\n')).toHaveLength(digest.listed + 2);
  });

  it('stays within the limit even for one enormous alert', () => {
    const digest = formatDigest([alert({ title: 'x'.repeat(50_000) })], TELEGRAM_HTML, options);
    expect(digest.text.length).toBeLessThanOrEqual(4096);
    expect(digest.listed).toBe(1);
  });
});

describe('helpers', () => {
  it.each([
    [1, '1 оповещение'],
    [3, '3 оповещения'],
    [5, '5 оповещений'],
    [11, '11 оповещений'],
    [21, '21 оповещение'],
    [104, '104 оповещения'],
  ])('pluralises %i as %s', (count, text) => {
    expect(pluralAlerts(count)).toBe(text);
  });

  it('clips by characters, not UTF-16 units, and collapses whitespace', () => {
    expect(clip('🔴🔴🔴🔴', 3)).toBe('🔴🔴…');
    expect(clip(' a \n b ', 10)).toBe('a b');
  });
});
