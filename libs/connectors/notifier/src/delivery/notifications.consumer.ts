import { IntegrationError } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { NOTIFICATIONS_DESTINATION, NOTIFICATIONS_FLUSH_REQUESTED } from '../notifier.constants';
import { ChannelFlusher } from './channel-flusher';

/**
 * Thin: a flush request names a target; the flusher sends what waits for it. Not transactional, as it calls Slack
 * and Telegram; re-running it is harmless because it only sends rows still pending.
 */
@Injectable()
@EventConsumer({
  destination: NOTIFICATIONS_DESTINATION,
  transactional: false,
  enabled: (config) => config.notifier.slack !== undefined || config.notifier.telegram !== undefined,
})
export class NotificationsConsumer implements EventHandler<unknown> {
  constructor(private readonly flusher: ChannelFlusher) {}

  async handle(event: CloudEvent<unknown>): Promise<void> {
    const channel = (event.data as { channel?: unknown } | null)?.channel;
    if (event.type !== NOTIFICATIONS_FLUSH_REQUESTED || typeof channel !== 'string' || channel !== event.subject) {
      throw new IntegrationError('permanent', 'NOTIFIER_BAD_EVENT', `not a flush request: ${event.type}`, {
        system: 'notifier',
      });
    }
    await this.flusher.flush(channel);
  }
}
