import { EventsModule } from '@app/events';
import { Module } from '@nestjs/common';
import { ChannelBreakers } from './adapters/channel-breakers';
import { HttpExchange } from './adapters/http-exchange';
import { SlackWebhookNotifier } from './adapters/slack-webhook.notifier';
import { TelegramBotNotifier } from './adapters/telegram-bot.notifier';
import { OutboxAlertPublisher } from './application/outbox-alert-publisher';
import { ChannelFlusher } from './delivery/channel-flusher';
import { ChannelPacer } from './delivery/channel-pacer';
import { NotificationsConsumer } from './delivery/notifications.consumer';
import { NotifierMetrics } from './notifier.metrics';
import { AlertPublisher } from './ports/alert-publisher.port';

/** The producing side, for any app: `AlertPublisher` queues alerts in the caller's transaction. */
@Module({
  imports: [EventsModule],
  providers: [NotifierMetrics, { provide: AlertPublisher, useClass: OutboxAlertPublisher }],
  exports: [AlertPublisher],
})
export class NotifierModule {}

/** The worker side: the consumer that delivers queued alerts to Slack and Telegram. */
@Module({
  providers: [
    NotifierMetrics,
    HttpExchange,
    ChannelBreakers,
    ChannelPacer,
    SlackWebhookNotifier,
    TelegramBotNotifier,
    ChannelFlusher,
    NotificationsConsumer,
  ],
})
export class NotifierWorkerModule {}
