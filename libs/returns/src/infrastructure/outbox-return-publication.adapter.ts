import { CASH_DESTINATION, CASH_REFUNDED, type CashRefundedData } from '@app/cash-documents';
import { AppConfig } from '@app/core';
import { EventPublisher } from '@app/events';
import { ONEC_DESTINATION } from '@app/onec';
import { Injectable } from '@nestjs/common';
import { ReturnPublication } from '../application/ports/return-publication.port';
import type { Return } from '../domain/return';
import { toReturnDocument } from './onec-return-document.mapper';

export const RETURN_RECEIVED = 'mastermobile.return.received.v1';

/**
 * Where 1C publishes an HTTP service, a received return is pushed through the outbox's `onec` destination with the
 * document the CommerceML exchange would serve (retried until 1C takes it, the event id as its idempotency key).
 */
@Injectable()
export class OutboxReturnPublication extends ReturnPublication {
  readonly pushes: boolean;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly config: AppConfig,
  ) {
    super();
    this.pushes = config.onec.httpBaseUrl !== undefined;
  }

  async push(entry: Return): Promise<void> {
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: RETURN_RECEIVED,
      subject: `return:${entry.id}`,
      entityVersion: entry.version,
      data: {
        returnId: entry.id,
        number: entry.number,
        courierId: entry.courierId,
        sale: { kind: entry.sale.kind, id: entry.sale.id },
        cashRefund: entry.pickup?.cashRefund ?? null,
        shortfall: entry.receipt?.shortfall ?? [],
        document: toReturnDocument(entry, this.config.onec.timeZone),
      },
    });
  }

  async cashRefunded(entry: Return): Promise<void> {
    await this.publisher.publish<CashRefundedData>({
      destination: CASH_DESTINATION,
      type: CASH_REFUNDED,
      subject: `return:${entry.id}`,
      entityVersion: entry.version,
      data: {
        returnId: entry.id,
        returnNumber: entry.number,
        courierId: entry.courierId,
        counterpartyId: entry.sale.counterpartyId,
        amount: entry.pickup!.cashRefund!,
        occurredAt: entry.pickup!.occurredAt.toISOString(),
      },
    });
  }
}
