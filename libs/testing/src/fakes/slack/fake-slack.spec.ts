import { FakeSlack } from './fake-slack';

describe('FakeSlack', () => {
  let now = 1_000_000;
  let slack: FakeSlack;
  const post = (url: string, body: string, contentType = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }).then(async (response) => ({
      status: response.status,
      text: await response.text(),
      retryAfter: response.headers.get('retry-after'),
      type: response.headers.get('content-type'),
    }));

  beforeEach(async () => {
    slack = await FakeSlack.start({ clock: () => now });
  });
  afterEach(() => slack.close());

  it('answers ok as text/plain and records the message', async () => {
    const answer = await post(slack.webhookUrl, JSON.stringify({ text: 'hello' }));
    expect(answer).toMatchObject({ status: 200, text: 'ok' });
    expect(answer.type).toContain('text/plain');
    expect(slack.messagesTo()).toEqual([expect.objectContaining({ text: 'hello', at: now })]);
  });

  it('takes the legacy form body', async () => {
    const answer = await post(
      slack.webhookUrl,
      new URLSearchParams({ payload: JSON.stringify({ text: 'form' }) }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(answer.status).toBe(200);
  });

  it.each([
    ['not json', 'invalid_payload'],
    ['[1,2]', 'invalid_payload'],
    ['{}', 'no_text'],
    [
      JSON.stringify({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }),
      'invalid_blocks',
    ],
  ])('refuses %s with 400 %s', async (body, code) => {
    expect(await post(slack.webhookUrl, body)).toMatchObject({ status: 400, text: code });
    expect(slack.messages).toHaveLength(0);
  });

  it('answers for unknown and broken webhooks as Slack does', async () => {
    expect(await post(`${slack.baseUrl}/services/TX/BX/nope`, '{"text":"x"}')).toMatchObject({
      status: 404,
      text: 'no_service',
    });
    const archived = slack.addWebhook('archived');
    expect(await post(archived, '{"text":"x"}')).toMatchObject({ status: 410, text: 'channel_is_archived' });
    slack.setWebhookState(archived, 'prohibited');
    expect(await post(archived, '{"text":"x"}')).toMatchObject({ status: 403, text: 'action_prohibited' });
    slack.setWebhookState(archived, 'channel_not_found');
    expect(await post(archived, '{"text":"x"}')).toMatchObject({ status: 404, text: 'channel_not_found' });
  });

  it('allows a small burst, then answers 429 with Retry-After until the rate allows another', async () => {
    const body = JSON.stringify({ text: 'x' });
    expect((await post(slack.webhookUrl, body)).status).toBe(200);
    expect((await post(slack.webhookUrl, body)).status).toBe(200);
    expect(await post(slack.webhookUrl, body)).toMatchObject({ status: 429, retryAfter: '1' });
    expect(slack.rateLimited).toEqual([expect.objectContaining({ retryAfter: 1, at: now })]);
    now += 1000;
    expect((await post(slack.webhookUrl, body)).status).toBe(200);
    // Another webhook has its own budget.
    expect((await post(slack.addWebhook(), body)).status).toBe(200);
  });

  it('can be down answering 503, or refusing connections, and comes back on the same URL', async () => {
    await slack.goDown('unavailable');
    expect((await post(slack.webhookUrl, '{"text":"x"}')).status).toBe(503);
    await slack.goDown('refusing');
    await expect(post(slack.webhookUrl, '{"text":"x"}')).rejects.toThrow();
    await slack.comeBack();
    expect((await post(slack.webhookUrl, '{"text":"x"}')).status).toBe(200);
    expect(slack.messages).toHaveLength(1);
  });
});
