export * from './cloud-event';
export * from './consumers/consumer-host';
export * from './consumers/event-consumer.decorator';
export * from './consumers/event-queues';
export * from './consumers/processed-event.entity';
export * from './dead-letters/dead-letter.entity';
export * from './dead-letters/dead-letter.service';
export * from './events-worker.module';
export * from './events.module';
export * from './inbox/inbox-event.entity';
export * from './inbox/inbox.service';
export * from './outbox/event-backlog';
export * from './outbox/event-publisher';
export * from './outbox/outbox-event.entity';
export * from './relay/outbox-relay';
export * from './relay/reconcile-dispatched.job';
export * from './retention/purge-events.job';

import { ProcessedEventEntity } from './consumers/processed-event.entity';
import { DeadLetterEntity } from './dead-letters/dead-letter.entity';
import { InboxEventEntity } from './inbox/inbox-event.entity';
import { OutboxEventEntity } from './outbox/outbox-event.entity';

export const EVENTS_ENTITIES = [OutboxEventEntity, ProcessedEventEntity, DeadLetterEntity, InboxEventEntity];
