import { Module } from '@nestjs/common';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { EventsMetrics } from './events.metrics';
import { InboxService } from './inbox/inbox.service';
import { EventBacklog } from './outbox/event-backlog';
import { EventPublisher } from './outbox/event-publisher';
import { EventReportsController } from './reports/event-reports.controller';
import { EventReports } from './reports/event-reports.service';
import { EventsTraceSource } from './trace/events.trace-source';

/** Producing events (outbox, inbox), operating them (dead letters) and watching their backlog. Used by both apps. */
@Module({
  providers: [EventPublisher, EventBacklog, InboxService, DeadLetterService, EventsMetrics, EventsTraceSource],
  exports: [EventPublisher, EventBacklog, InboxService, DeadLetterService, EventsMetrics],
})
export class EventsModule {}

/** The HTTP side: admin dead-letter operations and the backbone's reports. */
@Module({
  imports: [EventsModule],
  providers: [EventReports],
  controllers: [DeadLettersController, EventReportsController],
})
export class EventsHttpModule {}
