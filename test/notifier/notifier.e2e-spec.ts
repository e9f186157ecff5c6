import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '@app/core';
import { type Alert, AlertPublisher } from '@app/notifier';
import { FakeSlack, FakeTelegram, waitFor } from '@app/testing';
import type { DataSource } from 'typeorm';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

const GROUP = '-1001234567890';
const PERSON = '4242';
const LINK_BASE = 'https://admin.mastermobile.test';

interface Attempt {
  readonly at: number;
  readonly status: number;
  readonly retryAfter?: number;
}

/** Every answer of one target in order: no two attempts closer than the documented 1 s, every 429 waited out. */
function expectPaced(attempts: readonly Attempt[], minGapMs: number) {
  // The pacer reserves its slots on Redis's clock; the fakes stamp arrivals on this process's, after the request's
  // own trip, which a loaded CI machine can delay by tens of milliseconds (957 ms between two slots 1 s apart once):
  // slack for that jitter, still far from what an unpaced burst would show (gaps of a few milliseconds).
  const tolerance = 100;
  for (let i = 1; i < attempts.length; i++) {
    const previous = attempts[i - 1];
    const wanted = previous.status === 429 ? Math.max(minGapMs, previous.retryAfter! * 1000) : minGapMs;
    expect(attempts[i].at - previous.at).toBeGreaterThanOrEqual(wanted - tolerance);
  }
  const last429 = attempts.map((attempt) => attempt.status).lastIndexOf(429);
  if (last429 >= 0) {
    expect(attempts.slice(last429 + 1).some((attempt) => attempt.status === 200)).toBe(true);
  }
}

describe('notifier: alerts to Slack and Telegram through the outbox (real PostgreSQL and Redis, fake services)', () => {
  let middleware: InProcessMiddleware;
  let db: DataSource;
  let slack: FakeSlack;
  let telegram: FakeTelegram;
  let publisher: AlertPublisher;
  let unitOfWork: UnitOfWork;

  const alert = (run: string, overrides: Partial<Alert> = {}): Alert => ({
    id: `dev-${run}`,
    transition: 'opened',
    rule: 'cash_not_handed_over',
    severity: 'critical',
    title: `Наличные не сданы ${run}`,
    subject: 'Курьер Петров',
    value: '15000.00 RUB',
    limit: '10000.00 RUB',
    since: new Date('2026-12-06T06:15:00Z'),
    link: `/api/v1/admin/sla/deviations/dev-${run}`,
    ...overrides,
  });
  const publish = (alerts: Alert[]) => unitOfWork.run(() => publisher.publish(alerts));
  const slackTexts = (needle: string) =>
    slack
      .messagesTo()
      .map((message) => JSON.stringify(message.blocks))
      .filter((text) => text.includes(needle));
  const telegramTexts = (chatId: string, needle: string) =>
    telegram
      .messagesTo(chatId)
      .map((message) => message.visibleText)
      .filter((text) => text.includes(needle));
  const pendingCount = async (run: string) =>
    Number(
      (
        await db.query<{ count: string }[]>(
          `SELECT count(*) FROM notifier_messages WHERE alert_id LIKE $1 AND status = 'pending'`,
          [`dev-${run}%`],
        )
      )[0].count,
    );
  const expectNoSecrets = (text: string) => {
    expect(text).not.toContain(telegram.token);
    expect(text).not.toContain(new URL(slack.webhookUrl).pathname.split('/').at(-1));
  };

  beforeAll(async () => {
    // Stricter than the services' documented rates, so that 429s happen and their handling is exercised.
    slack = await FakeSlack.start({ perSecond: 0.5, burst: 1 });
    telegram = await FakeTelegram.start({ chats: [GROUP, PERSON], perChatIntervalMs: 1_500 });
    middleware = await startInProcessMiddleware({
      env: {
        NOTIFY_SLACK_WEBHOOK_URL: slack.webhookUrl,
        NOTIFY_TELEGRAM_BOT_TOKEN: telegram.token,
        NOTIFY_TELEGRAM_CHAT_IDS: `${GROUP},${PERSON}`,
        NOTIFY_TELEGRAM_API_URL: telegram.apiUrl,
        NOTIFY_LINK_BASE_URL: LINK_BASE,
        NOTIFY_DIGEST_THRESHOLD: '3',
        NOTIFY_BREAKER_FAILURES: '2',
        NOTIFY_BREAKER_HALF_OPEN_AFTER_MS: '400',
        EVENTS_BACKOFF_BASE_MS: '100',
        EVENTS_BACKOFF_MAX_MS: '400',
        EVENTS_MAX_ATTEMPTS: '4',
        EVENTS_RELAY_POLL_INTERVAL_MS: '200',
      },
      // The API publishes, as a domain lib's request would; the worker delivers.
      domains: false,
    });
    // A second worker replica: flushes of one target land on either, and must keep one pace between them.
    await middleware.startWorker();
    db = middleware.db;
    publisher = middleware.api.app.get(AlertPublisher);
    unitOfWork = middleware.api.app.get(UnitOfWork);
  });
  afterAll(async () => {
    await middleware?.close();
    await slack?.close();
    await telegram?.close();
  });

  it('sends one message when a deviation opens and one when it resolves, to Slack and to every chat', async () => {
    const run = randomUUID().slice(0, 8);
    await publish([alert(run)]);
    await waitFor(async () => (await pendingCount(run)) === 0 && slackTexts(run).length === 1, {
      what: 'the opening in every channel',
    });
    // Re-evaluations that publish the same transition again change nothing.
    await publish([alert(run)]);
    await publish([alert(run, { transition: 'resolved' })]);
    await waitFor(
      async () =>
        (await pendingCount(run)) === 0 &&
        slackTexts(run).length === 2 &&
        telegramTexts(GROUP, run).length === 2 &&
        telegramTexts(PERSON, run).length === 2,
      { what: 'the resolution in every channel' },
    );
    // Long enough for a duplicate to have arrived, were one on its way.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const link = `${LINK_BASE}/api/v1/admin/sla/deviations/dev-${run}`;
    const [opened, resolved] = slack.messagesTo().filter((message) => JSON.stringify(message.blocks).includes(run));
    expect(opened.text).toBe(`🔴 Открыто: Наличные не сданы ${run} — Курьер Петров`);
    expect(opened.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: expect.any(String) as string } }]);
    const openedText = (opened.blocks![0] as { text: { text: string } }).text.text;
    expect(openedText).toContain(`*Наличные не сданы ${run}*`);
    expect(openedText).toContain('Сколько: 15000.00 RUB при пороге 10000.00 RUB');
    expect(openedText).toContain('С: 06.12.2026 09:15');
    expect(openedText).toContain(`<${link}|Подробнее>`);
    expect(resolved.text).toContain(`✅ Решено: Наличные не сданы ${run}`);
    for (const chatId of [GROUP, PERSON]) {
      const [tOpened, tResolved] = telegram.messagesTo(chatId).filter((message) => message.visibleText.includes(run));
      expect(tOpened.parseMode).toBe('HTML');
      expect(tOpened.visibleText.split('\n')).toEqual([
        `🔴 Открыто: Наличные не сданы ${run}`,
        'Кто: Курьер Петров',
        'Сколько: 15000.00 RUB при пороге 10000.00 RUB',
        'С: 06.12.2026 09:15 (Europe/Moscow)',
        'Правило: cash_not_handed_over · критично',
        'Подробнее',
      ]);
      expect(tOpened.text).toContain(`<a href="${link}">Подробнее</a>`);
      expect(tResolved.visibleText).toMatch(/^✅ Решено: /);
    }
    for (const text of [
      ...slack.messages.map((message) => JSON.stringify([message.text, message.blocks])),
      ...telegram.messages.map((message) => message.text),
    ]) {
      expectNoSecrets(text);
    }
  });

  it('turns a burst of 50 into digests within each channel’s limits, paced, every alert accounted for', async () => {
    const run = randomUUID().slice(0, 8);
    const alerts = Array.from({ length: 50 }, (_, i) =>
      alert(`${run}-${i}`, {
        title: `Отчёт кассы не получен вовремя, курьерская смена ${run} номер ${i}, ожидание подтверждения`,
        severity: i % 3 === 0 ? 'warning' : 'critical',
      }),
    );
    const started = Date.now();
    // Several transactions, as evaluations commit them: the first, then four more while its digest has just gone
    // out, so each target gets a second message right away and meets the fakes' limits.
    await publish(alerts.slice(0, 10));
    await waitFor(() => Promise.resolve(slackTexts(run).length === 1), { what: 'the first digest' });
    await Promise.all([1, 2, 3, 4].map((part) => publish(alerts.slice(part * 10, part * 10 + 10))));
    await waitFor(async () => (await pendingCount(run)) === 0, { what: 'every alert delivered', timeoutMs: 40_000 });

    const counted = (texts: string[]) =>
      texts.reduce((sum, text) => {
        const header = /Сводка: (\d+) оповещени/.exec(text);
        return sum + (header ? Number(header[1]) : 1);
      }, 0);
    const slackRun = slackTexts(run);
    expect(counted(slackRun)).toBe(50);
    expect(slackRun.length).toBeLessThanOrEqual(5);
    for (const chatId of [GROUP, PERSON]) {
      const texts = telegramTexts(chatId, run);
      expect(counted(texts)).toBe(50);
      expect(texts.length).toBeLessThanOrEqual(5);
      for (const text of texts) {
        const header = /Сводка: (\d+)/.exec(text);
        if (header) {
          // Listed lines plus "and N more" account for the count.
          const listed = text.split('\n').length - 2;
          const more = Number(/…и ещё (\d+)/.exec(text)?.[1] ?? 0);
          expect(listed + more).toBe(Number(header[1]));
        }
      }
      expect(telegram.messagesTo(chatId).every((message) => message.visibleText.length <= 4096)).toBe(true);
    }
    expect(
      slack.messages.every((message) =>
        (message.blocks as { text: { text: string } }[]).every((block) => block.text.text.length <= 3000),
      ),
    ).toBe(true);
    const [{ rows, sent }] = await db.query<{ rows: string; sent: string }[]>(
      `SELECT count(*) AS rows, count(*) FILTER (WHERE status = 'sent') AS sent FROM notifier_messages
        WHERE alert_id LIKE $1`,
      [`dev-${run}%`],
    );
    expect([Number(rows), Number(sent)]).toEqual([150, 150]);

    expect(slackRun.length).toBeGreaterThan(1);
    expect(
      [...slack.rateLimited, ...telegram.rateLimited].filter((request) => request.at >= started).length,
    ).toBeGreaterThan(0);
    expectPaced(slack.requests, 1_000);
    for (const chatId of [GROUP, PERSON]) {
      const attempts = telegram.requests.filter((request) => request.chatId === chatId);
      expectPaced(attempts, 1_000);
      const accepted = attempts.filter((attempt) => attempt.status === 200).map((attempt) => attempt.at);
      for (const at of accepted) {
        expect(accepted.filter((other) => other >= at && other < at + 60_000).length).toBeLessThanOrEqual(20);
      }
    }
  });

  it('waits out a Telegram outage longer than several retries: all delivered after, nothing doubled in Slack', async () => {
    const run = randomUUID().slice(0, 8);
    const failuresBefore = await telegramFailures(db);
    await telegram.goDown('unavailable');
    await publish([alert(run), alert(`${run}-b`, { severity: 'warning' })]);
    await waitFor(() => Promise.resolve(slackTexts(run).length === 2), { what: 'Slack, which is up' });
    // More failed calls than EVENTS_MAX_ATTEMPTS: the open circuit turns them into waits, not dead letters.
    await waitFor(async () => (await telegramFailures(db)) - failuresBefore >= 6, {
      what: 'Telegram calls failing',
      timeoutMs: 15_000,
    });
    await telegram.goDown('refusing', 1_500);
    await waitFor(async () => (await pendingCount(run)) === 0, {
      what: 'delivery after the outage',
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(slackTexts(run)).toHaveLength(2);
    for (const chatId of [GROUP, PERSON]) {
      // Two alerts for one chat: singles, each once.
      expect(telegramTexts(chatId, run)).toHaveLength(2);
    }
    expect(await db.query(`SELECT id FROM dead_letters WHERE destination = 'notifications'`)).toEqual([]);
  });

  it('queues nothing outside a transaction, for a rolled-back one, or for an invalid alert', async () => {
    const run = randomUUID().slice(0, 8);
    await expect(publisher.publish([alert(run)])).rejects.toThrow(/inside UnitOfWork.run/);
    await expect(
      unitOfWork.run(async () => {
        await publisher.publish([alert(run)]);
        throw new Error('the change that raised it failed');
      }),
    ).rejects.toThrow('the change that raised it failed');
    await expect(publish([alert(run, { link: 'https://elsewhere.example/x' })])).rejects.toThrow(/link must be a path/);
    const rows = await db.query(`SELECT id FROM notifier_messages WHERE alert_id = $1`, [`dev-${run}`]);
    expect(rows).toEqual([]);
  });

  it('records each call in the integration log without the webhook URL’s secret or the bot token', async () => {
    const rows = await db.query<{ system: string; url: string; request_body: string; response_body: string | null }[]>(
      `SELECT system, url, request_body, response_body FROM integration_log WHERE system IN ('slack', 'telegram')`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.url))).toEqual(
      new Set([`${slack.baseUrl}/services/[REDACTED]`, `${telegram.apiUrl}/bot[REDACTED]/sendMessage`]),
    );
    for (const row of rows) {
      expectNoSecrets(JSON.stringify(row));
    }
  });

  it('refuses to start with an invalid configuration, naming the problem', () => {
    expect(() => middleware.env.config({ NOTIFY_ROUTES: 'critical:pigeon' })).toThrow(
      /NOTIFY_ROUTES: unknown channel "pigeon" for critical/,
    );
    expect(() => middleware.env.config({ NOTIFY_TELEGRAM_CHAT_IDS: '' })).toThrow(
      /NOTIFY_TELEGRAM_CHAT_IDS must name at least one chat/,
    );
  });
});

async function telegramFailures(db: DataSource): Promise<number> {
  const [{ count }] = await db.query<{ count: string }[]>(
    `SELECT count(*) FROM integration_log WHERE system = 'telegram' AND outcome = 'failure'`,
  );
  return Number(count);
}
