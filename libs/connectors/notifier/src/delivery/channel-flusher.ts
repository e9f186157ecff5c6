import { AppConfig, IntegrationError } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelTarget, isGroupChat, parseChannelKey } from '../application/channel-routing';
import { FormatOptions, formatAlert, formatDigest, headline } from '../application/message-format';
import { SlackWebhookNotifier } from '../adapters/slack-webhook.notifier';
import { TelegramBotNotifier } from '../adapters/telegram-bot.notifier';
import { NotifierMetrics } from '../notifier.metrics';
import type { Alert } from '../ports/alert-publisher.port';
import type { ChannelMessage, Notifier } from '../ports/notifier.port';
import { ChannelPacer, PaceRules } from './channel-pacer';

interface PendingRow {
  readonly id: string;
  readonly alert: Record<string, unknown>;
}

/**
 * A wait for a send slot up to this long happens inside the job; a longer one (a Telegram group's minute filled up,
 * a 429's retry_after) hands the job back to the backbone to be delayed, so no worker slot sleeps for a minute.
 */
const MAX_INLINE_WAIT_MS = 2_000;
/** Rows read per round; a digest of more than this shows the rest in its count on the next round. */
const BATCH = 500;

/**
 * Sends what waits for one target: each alert as its own message while few wait, one digest when more than the
 * threshold do. Rows are marked sent right after the service took their message, so a failure midway resends
 * nothing already delivered. One flush per target runs at a time: the target is the outbox subject, and the
 * backbone releases a subject's next event only when the previous one is done.
 */
@Injectable()
export class ChannelFlusher {
  private readonly logger = new Logger(ChannelFlusher.name);
  private readonly format: FormatOptions;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pacer: ChannelPacer,
    private readonly slack: SlackWebhookNotifier,
    private readonly telegram: TelegramBotNotifier,
    private readonly metrics: NotifierMetrics,
  ) {
    const { linkBaseUrl, digestLinkPath, timeZone } = config.notifier;
    this.format = { linkBaseUrl, digestLinkPath, timeZone };
  }

  async flush(channel: string): Promise<void> {
    const target = parseChannelKey(channel);
    if (!target || !this.config.notifier[target.kind]) {
      // Configuration changed since the alert was queued: the rows stay pending (visible in notifier_messages) for
      // whenever the channel is configured again, and nothing is retried meanwhile.
      this.logger.warn(`Alerts wait for ${target?.kind ?? channel}, which is not configured; they stay pending`);
      return;
    }
    const notifier = target.kind === 'slack' ? this.slack : this.telegram;
    const chatId = target.kind === 'telegram' ? target.chatId : '';
    for (;;) {
      const rows = await this.pending(channel);
      if (rows.length === 0) {
        return;
      }
      if (rows.length > this.config.notifier.digestThreshold) {
        const digest = formatDigest(rows.map(toAlert), notifier.style, this.format);
        await this.deliver(
          channel,
          target,
          notifier,
          chatId,
          { text: digest.text, headline: digest.headline },
          rows,
          'digest',
        );
        continue;
      }
      for (const row of rows) {
        const alert = toAlert(row);
        const message = {
          text: formatAlert(alert, notifier.style, this.format),
          headline: headline(alert, notifier.style),
        };
        await this.deliver(channel, target, notifier, chatId, message, [row], 'single');
      }
    }
  }

  private async deliver(
    channel: string,
    target: ChannelTarget,
    notifier: Notifier,
    chatId: string,
    message: ChannelMessage,
    rows: readonly PendingRow[],
    form: 'single' | 'digest',
  ): Promise<void> {
    await this.waitForSlot(channel, this.rulesFor(target));
    try {
      await notifier.send(chatId, message);
    } catch (error) {
      const rateLimited = error instanceof IntegrationError && error.kind === 'rate_limited';
      if (rateLimited && error.retryAt) {
        await this.pacer.block(channel, error.retryAt.getTime() - Date.now());
      }
      this.metrics.messages.inc({ channel: target.kind, form, outcome: rateLimited ? 'rate_limited' : 'failed' });
      throw error;
    }
    this.metrics.messages.inc({ channel: target.kind, form, outcome: 'sent' });
    await this.dataSource.query(
      `UPDATE notifier_messages SET status = 'sent', sent_as = $2, sent_at = now() WHERE id = ANY($1::bigint[])`,
      [rows.map((row) => row.id), form],
    );
  }

  private rulesFor(target: ChannelTarget): PaceRules {
    const { minIntervalMs, telegramGroupPerMinute } = this.config.notifier;
    return target.kind === 'telegram' && isGroupChat(target.chatId)
      ? // A second over the minute: the service's window and ours never line up to the millisecond.
        { minIntervalMs, window: { max: telegramGroupPerMinute, windowMs: 61_000 } }
      : { minIntervalMs };
  }

  private async waitForSlot(channel: string, rules: PaceRules): Promise<void> {
    for (;;) {
      const wait = await this.pacer.take(channel, rules);
      if (wait <= 0) {
        return;
      }
      if (wait > MAX_INLINE_WAIT_MS) {
        throw new IntegrationError('rate_limited', 'NOTIFIER_PACED', `${channel}: next slot in ${wait} ms`, {
          system: 'notifier',
          retryAt: new Date(Date.now() + wait),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private pending(channel: string): Promise<PendingRow[]> {
    return this.dataSource.query<PendingRow[]>(
      `SELECT id, alert FROM notifier_messages WHERE channel = $1 AND status = 'pending' ORDER BY id LIMIT $2`,
      [channel, BATCH],
    );
  }
}

function toAlert(row: PendingRow): Alert {
  return { ...(row.alert as unknown as Alert), since: new Date(row.alert.since as string) };
}
