import { EventPublisher } from '@app/events';
import { Injectable } from '@nestjs/common';
import { ChangeAnnouncer, type ChangedEntity } from '../application/ports/change-announcer.port';
import { MASTER_DATA_BITRIX24_DESTINATION, MASTER_DATA_CHANGED, subjectOf } from '../application/propagation.events';

/** Announces changes through the transactional outbox, one event per changed entity. */
@Injectable()
export class OutboxChangeAnnouncer extends ChangeAnnouncer {
  constructor(private readonly publisher: EventPublisher) {
    super();
  }

  async announce(changes: readonly ChangedEntity[]): Promise<void> {
    await this.publisher.publish(
      changes.map((change) => ({
        destination: MASTER_DATA_BITRIX24_DESTINATION,
        type: MASTER_DATA_CHANGED,
        subject: subjectOf(change),
        data: change,
      })),
    );
  }
}
