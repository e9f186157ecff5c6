import { Module } from '@nestjs/common';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { EventsMetrics } from './events.metrics';
import { InboxService } from './inbox/inbox.service';
import { EventPublisher } from './outbox/event-publisher';

/** Producing events (outbox, inbox) and operating them (dead letters). Used by both apps. */
@Module({
  providers: [EventPublisher, InboxService, DeadLetterService, EventsMetrics],
  exports: [EventPublisher, InboxService, DeadLetterService, EventsMetrics],
})
export class EventsModule {}

/** The HTTP side: admin dead-letter operations. */
@Module({
  imports: [EventsModule],
  controllers: [DeadLettersController],
})
export class EventsHttpModule {}
