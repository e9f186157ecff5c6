import { Module } from '@nestjs/common';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { EventsMetrics } from './events.metrics';
import { EventFeedController } from './feed/event-feed.controller';
import { EventFeedService } from './feed/event-feed.service';
import { InboxService } from './inbox/inbox.service';
import { EventPublisher } from './outbox/event-publisher';

/** Producing events (outbox, inbox) and operating them (dead letters, the 1C pull feed). Used by both apps. */
@Module({
  providers: [EventPublisher, InboxService, DeadLetterService, EventFeedService, EventsMetrics],
  exports: [EventPublisher, InboxService, DeadLetterService, EventFeedService, EventsMetrics],
})
export class EventsModule {}

/** The HTTP side: admin dead-letter operations and the pull feed. */
@Module({
  imports: [EventsModule],
  controllers: [DeadLettersController, EventFeedController],
})
export class EventsHttpModule {}
