import { AppError } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { CashDocumentsService } from '../application/cash-documents.service';
import {
  CASH_COLLECTED,
  CASH_DESTINATION,
  CASH_REFUNDED,
  type CashCollectedData,
  type CashRefundedData,
} from '../cash-events';
import { CASH_DOCUMENT_QUEUED } from './outbox-cash-publication.adapter';

/**
 * The cash the other domains report, and the documents waiting to go to 1C. Transactional: each event's effect
 * commits with the record that it was processed, so a redelivered event changes nothing.
 */
@Injectable()
@EventConsumer({ destination: CASH_DESTINATION })
export class CashConsumer implements EventHandler {
  constructor(private readonly cash: CashDocumentsService) {}

  async handle(event: CloudEvent): Promise<void> {
    switch (event.type) {
      case CASH_COLLECTED:
        return this.cash.collected(event.data as CashCollectedData);
      case CASH_REFUNDED:
        return this.cash.refunded(event.data as CashRefundedData);
      case CASH_DOCUMENT_QUEUED:
        return this.cash.send((event.data as { documentId: string }).documentId);
      default:
        throw new AppError('CASH_EVENT_UNKNOWN', 'invalid_input', 'Unknown event', {
          detail: `The cash queue carries no ${event.type} events.`,
        });
    }
  }
}
