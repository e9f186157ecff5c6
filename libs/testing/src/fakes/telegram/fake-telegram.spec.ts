import { FakeTelegram } from './fake-telegram';
import { parseTelegramHtml } from './telegram-html';

describe('FakeTelegram', () => {
  let now = 5_000_000;
  let telegram: FakeTelegram;
  const group = '-1001';
  const person = '42';
  const send = (params: Record<string, unknown>, token = telegram.token, form = false) =>
    fetch(`${telegram.apiUrl}/bot${token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(params as Record<string, string>).toString() : JSON.stringify(params),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));

  beforeEach(async () => {
    telegram = await FakeTelegram.start({ chats: [group, person], clock: () => now });
  });
  afterEach(() => telegram.close());

  it('sends a message from a JSON or a form body', async () => {
    const json = await send({ chat_id: Number(person), text: '<b>hi</b> &amp; bye', parse_mode: 'HTML' });
    expect(json).toMatchObject({ status: 200, body: { ok: true, result: { message_id: 1, text: 'hi & bye' } } });
    now += 1000;
    expect((await send({ chat_id: person, text: 'plain' }, telegram.token, true)).status).toBe(200);
    expect(telegram.messagesTo(person).map((message) => message.visibleText)).toEqual(['hi & bye', 'plain']);
  });

  it('refuses a wrong token with 401', async () => {
    expect(await send({ chat_id: person, text: 'x' }, '1:wrong')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
  });

  it.each([
    [{ chat_id: '42', text: '' }, 'Bad Request: message text is empty'],
    [{ chat_id: '42', text: 'x'.repeat(4097) }, 'Bad Request: message is too long'],
    [{ chat_id: '777', text: 'x' }, 'Bad Request: chat not found'],
    [{ chat_id: '42', text: 'a < b', parse_mode: 'HTML' }, expect.stringContaining("can't parse entities")],
  ])('refuses %j with 400', async (params, description) => {
    expect(await send(params)).toMatchObject({ status: 400, body: { ok: false, error_code: 400, description } });
  });

  it('counts the length after entity parsing', async () => {
    expect((await send({ chat_id: person, text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' })).status).toBe(200);
  });

  it('answers 429 with retry_after over 1 message/s per chat', async () => {
    expect((await send({ chat_id: person, text: 'one' })).status).toBe(200);
    now += 400;
    expect(await send({ chat_id: person, text: 'two' })).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    now += 600;
    expect((await send({ chat_id: person, text: 'two' })).status).toBe(200);
  });

  it('answers 429 over 20 messages a minute to a group', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await send({ chat_id: group, text: `m${i}` })).status).toBe(200);
      now += 1000;
    }
    const refused = await send({ chat_id: group, text: 'm20' });
    expect(refused).toMatchObject({ status: 429, body: { parameters: { retry_after: 40 } } });
    now += 40_000;
    expect((await send({ chat_id: group, text: 'm20' })).status).toBe(200);
  });

  it('can be down and come back', async () => {
    await telegram.goDown('unavailable');
    expect((await fetch(`${telegram.apiUrl}/bot${telegram.token}/sendMessage`, { method: 'POST' })).status).toBe(503);
    await telegram.goDown('refusing');
    await expect(send({ chat_id: person, text: 'x' })).rejects.toThrow();
    await telegram.comeBack();
    expect((await send({ chat_id: person, text: 'x' })).status).toBe(200);
  });
});

describe('parseTelegramHtml', () => {
  it.each([
    ['<b>bold</b> <a href="https://x/?a=1&amp;b=2">link</a>', 'bold link'],
    ['&lt;tag&gt; &quot;q&quot; &#8470;', '<tag> "q" №'],
  ])('shows %s as %s', (html, text) => {
    expect(parseTelegramHtml(html)).toEqual({ text });
  });

  it.each(['<b>open', '<script>x</script>', 'a & b', '</b>', 'x > y'])('refuses %s', (html) => {
    expect(parseTelegramHtml(html)).toEqual({ error: expect.any(String) as string });
  });
});
