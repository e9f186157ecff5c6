import { AppConfig, IntegrationError } from '@app/core';
import { Injectable } from '@nestjs/common';
import { TELEGRAM_HTML } from '../application/message-format';
import { ChannelMessage, Notifier } from '../ports/notifier.port';
import { ChannelBreakers } from './channel-breakers';
import { ExchangeAnswer, HttpExchange } from './http-exchange';

interface TelegramAnswer {
  readonly ok?: boolean;
  readonly error_code?: number;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/** Telegram Bot API `sendMessage` with `parse_mode: HTML` and link previews off (one alert, one compact message). */
@Injectable()
export class TelegramBotNotifier extends Notifier {
  readonly kind = 'telegram' as const;
  readonly style = TELEGRAM_HTML;

  constructor(
    private readonly config: AppConfig,
    private readonly http: HttpExchange,
    private readonly breakers: ChannelBreakers,
  ) {
    super();
  }

  async send(chatId: string, message: ChannelMessage): Promise<void> {
    const telegram = this.config.notifier.telegram;
    if (!telegram) {
      throw new IntegrationError('unavailable', 'TELEGRAM_NOT_CONFIGURED', 'NOTIFY_TELEGRAM_BOT_TOKEN is not set', {
        system: 'telegram',
      });
    }
    await this.breakers.execute('telegram', () =>
      this.http.post(
        {
          system: 'telegram',
          operation: 'sendMessage',
          url: `${telegram.apiUrl}/bot${telegram.botToken}/sendMessage`,
          loggedUrl: `${telegram.apiUrl}/bot[REDACTED]/sendMessage`,
          body: {
            chat_id: chatId,
            text: message.text,
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          },
          entityId: chatId,
          timeoutMs: this.config.notifier.requestTimeoutMs,
        },
        classifyTelegramAnswer,
      ),
    );
  }
}

export function classifyTelegramAnswer(answer: ExchangeAnswer, now = Date.now()): IntegrationError | undefined {
  let body: TelegramAnswer = {};
  try {
    body = JSON.parse(answer.text) as TelegramAnswer;
  } catch {
    // A proxy's page; judged by the status alone.
  }
  if (answer.status === 200 && body.ok === true) {
    return undefined;
  }
  const description = (body.description ?? `HTTP ${answer.status}`).slice(0, 300);
  const options = { system: 'telegram', httpStatus: answer.status, responseExcerpt: description };
  if (answer.status === 429) {
    const seconds = body.parameters?.retry_after ?? 1;
    return new IntegrationError('rate_limited', 'TELEGRAM_RATE_LIMITED', `Telegram asked to wait ${seconds} s`, {
      ...options,
      retryAt: new Date(now + seconds * 1000),
    });
  }
  if (answer.status >= 500 || answer.status === 408 || answer.status === 200) {
    return new IntegrationError('transient', 'TELEGRAM_UNAVAILABLE', `Telegram answered: ${description}`, options);
  }
  // 400 (chat not found, text refused), 401 (token revoked), 403 (bot removed from the chat): the configuration or
  // the message must change first; the dead letter keeps it for a replay.
  return new IntegrationError('permanent', `TELEGRAM_${answer.status}`, `Telegram refused: ${description}`, options);
}
