import { classifySlackAnswer } from './slack-webhook.notifier';
import { classifyTelegramAnswer } from './telegram-bot.notifier';

const answer = (status: number, text: string, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: new Headers(headers),
});
const NOW = 1_000_000;

describe('Slack answers', () => {
  it('accepts ok', () => {
    expect(classifySlackAnswer(answer(200, 'ok'), NOW)).toBeUndefined();
  });

  it('waits as long as Retry-After says on 429', () => {
    expect(classifySlackAnswer(answer(429, 'rate_limited', { 'retry-after': '7' }), NOW)).toMatchObject({
      kind: 'rate_limited',
      retryAt: new Date(NOW + 7_000),
    });
  });

  it.each([
    [400, 'invalid_payload', 'SLACK_INVALID_PAYLOAD'],
    [403, 'action_prohibited', 'SLACK_ACTION_PROHIBITED'],
    [404, 'channel_not_found', 'SLACK_CHANNEL_NOT_FOUND'],
    [410, 'channel_is_archived', 'SLACK_CHANNEL_IS_ARCHIVED'],
  ])('gives up on %i %s (retrying the same message cannot help)', (status, text, code) => {
    expect(classifySlackAnswer(answer(status, text), NOW)).toMatchObject({ kind: 'permanent', code });
  });

  it('retries a 5xx', () => {
    expect(classifySlackAnswer(answer(503, 'unavailable'), NOW)).toMatchObject({ kind: 'transient' });
  });
});

describe('Telegram answers', () => {
  const json = (status: number, body: unknown) => answer(status, JSON.stringify(body));

  it('accepts ok:true', () => {
    expect(classifyTelegramAnswer(json(200, { ok: true, result: {} }), NOW)).toBeUndefined();
  });

  it('waits parameters.retry_after on 429', () => {
    const body = {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    };
    expect(classifyTelegramAnswer(json(429, body), NOW)).toMatchObject({
      kind: 'rate_limited',
      retryAt: new Date(NOW + 3_000),
    });
  });

  it.each([400, 401, 403])('gives up on %i', (status) => {
    expect(
      classifyTelegramAnswer(json(status, { ok: false, error_code: status, description: 'x' }), NOW),
    ).toMatchObject({
      kind: 'permanent',
    });
  });

  it('retries a proxy’s 502 page', () => {
    expect(classifyTelegramAnswer(answer(502, '<html>bad gateway</html>'), NOW)).toMatchObject({ kind: 'transient' });
  });
});
