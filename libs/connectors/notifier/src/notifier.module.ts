import { EventsModule } from '@app/events';
import { type DynamicModule, Global, Module } from '@nestjs/common';
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

/**
 * The producing side, for both apps: `AlertPublisher` queues alerts in the caller's transaction. Global, as the
 * port every lib that raises alerts injects; an app may be given another publisher (tests record the alerts).
 */
@Global()
@Module({})
export class NotifierModule {
  static forRoot(publisher?: AlertPublisher): DynamicModule {
    return {
      module: NotifierModule,
      imports: [EventsModule],
      providers: [
        NotifierMetrics,
        publisher
          ? { provide: AlertPublisher, useValue: publisher }
          : { provide: AlertPublisher, useClass: OutboxAlertPublisher },
      ],
      exports: [AlertPublisher],
    };
  }
}

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
