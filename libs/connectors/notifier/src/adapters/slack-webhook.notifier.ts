import { AppConfig, IntegrationError } from '@app/core';
import { Injectable } from '@nestjs/common';
import { SLACK_MRKDWN } from '../application/message-format';
import { ChannelMessage, Notifier } from '../ports/notifier.port';
import { ChannelBreakers } from './channel-breakers';
import { ExchangeAnswer, HttpExchange, retryAfterSeconds } from './http-exchange';

/**
 * Slack incoming webhook: `{text, blocks}` with the message in one mrkdwn section (at most 3,000 characters) and the
 * headline as the notification text. Slack answers `ok` as text/plain, and errors as a plain code.
 */
@Injectable()
export class SlackWebhookNotifier extends Notifier {
  readonly kind = 'slack' as const;
  readonly style = SLACK_MRKDWN;

  constructor(
    private readonly config: AppConfig,
    private readonly http: HttpExchange,
    private readonly breakers: ChannelBreakers,
  ) {
    super();
  }

  async send(_target: string, message: ChannelMessage): Promise<void> {
    const slack = this.config.notifier.slack;
    if (!slack) {
      throw new IntegrationError('unavailable', 'SLACK_NOT_CONFIGURED', 'NOTIFY_SLACK_WEBHOOK_URL is not set', {
        system: 'slack',
      });
    }
    const url = new URL(slack.webhookUrl);
    await this.breakers.execute('slack', () =>
      this.http.post(
        {
          system: 'slack',
          operation: 'incoming-webhook',
          url: slack.webhookUrl,
          loggedUrl: `${url.origin}/services/[REDACTED]`,
          body: {
            text: message.headline,
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: message.text } }],
          },
          timeoutMs: this.config.notifier.requestTimeoutMs,
        },
        classifySlackAnswer,
      ),
    );
  }
}

/** Slack's documented answers: `ok`; 429 with Retry-After; 4xx codes that mean the webhook or payload is wrong. */
export function classifySlackAnswer(answer: ExchangeAnswer, now = Date.now()): IntegrationError | undefined {
  const code = answer.text.trim().slice(0, 100) || `http_${answer.status}`;
  if (answer.status >= 200 && answer.status < 300) {
    return undefined;
  }
  const options = { system: 'slack', httpStatus: answer.status, responseExcerpt: code };
  if (answer.status === 429) {
    const seconds = retryAfterSeconds(answer.headers.get('retry-after'), 1);
    return new IntegrationError('rate_limited', 'SLACK_RATE_LIMITED', `Slack asked to wait ${seconds} s`, {
      ...options,
      retryAt: new Date(now + seconds * 1000),
    });
  }
  if (answer.status >= 500 || answer.status === 408) {
    return new IntegrationError('transient', 'SLACK_UNAVAILABLE', `Slack answered ${answer.status} ${code}`, options);
  }
  // invalid_payload (ours to fix), action_prohibited, channel_not_found, channel_is_archived, no_service (the
  // webhook's to fix): retrying the same message cannot succeed; the dead letter keeps it for a replay.
  return new IntegrationError(
    'permanent',
    `SLACK_${code.toUpperCase().replace(/\W+/g, '_')}`,
    `Slack refused: ${code}`,
    options,
  );
}
