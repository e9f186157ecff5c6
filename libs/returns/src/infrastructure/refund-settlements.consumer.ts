import { CASH_REFUND_SETTLED, type CashRefundSettledData, REFUND_SETTLEMENTS_DESTINATION } from '@app/cash-documents';
import { AppError } from '@app/core';
import { type CloudEvent, EventConsumer, type EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { ReturnsService } from '../application/returns.service';

/**
 * The cash documents' word that 1C posted a refund's РКО. Transactional: the return's change commits with the record
 * that the event was processed, so a redelivered event changes nothing.
 */
@Injectable()
@EventConsumer({ destination: REFUND_SETTLEMENTS_DESTINATION })
export class RefundSettlementsConsumer implements EventHandler {
  constructor(private readonly returns: ReturnsService) {}

  async handle(event: CloudEvent): Promise<void> {
    if (event.type !== CASH_REFUND_SETTLED) {
      throw new AppError('RETURNS_EVENT_UNKNOWN', 'invalid_input', 'Unknown event', {
        detail: `The refund settlements' queue carries no ${event.type} events.`,
      });
    }
    const { returnId, documentId, documentNumber, postedAt } = event.data as CashRefundSettledData;
    await this.returns.refundSettled(returnId, { documentId, documentNumber, postedAt: new Date(postedAt) });
  }
}
