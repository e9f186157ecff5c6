import { CASH_COLLECTED, CASH_DESTINATION, type CashCollectedData } from '@app/cash-documents';
import { AppConfig } from '@app/core';
import { EventPublisher } from '@app/events';
import { ONEC_DESTINATION } from '@app/onec';
import { Injectable } from '@nestjs/common';
import { OrderPublication } from '../application/ports/order-publication.port';
import type { InstantOrder } from '../domain/instant-order';
import { toSaleDocument } from './onec-sale-document.mapper';

export const INSTANT_ORDER_SUBMITTED = 'mastermobile.instant_order.submitted.v1';

/**
 * Where 1C publishes an HTTP service, an accepted order is pushed through the outbox's `onec` destination (retried
 * until 1C takes it, the event id as its idempotency key) with the same document the CommerceML exchange would serve.
 */
@Injectable()
export class OutboxOrderPublication extends OrderPublication {
  readonly pushes: boolean;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly config: AppConfig,
  ) {
    super();
    this.pushes = config.onec.httpBaseUrl !== undefined;
  }

  async push(order: InstantOrder): Promise<void> {
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: INSTANT_ORDER_SUBMITTED,
      subject: `instant_order:${order.id}`,
      entityVersion: order.version,
      data: {
        orderId: order.id,
        number: order.number,
        courierId: order.courierId,
        document: toSaleDocument(order, this.config.onec.timeZone),
      },
    });
  }

  async cashHeld(order: InstantOrder, amount: string): Promise<void> {
    await this.publisher.publish<CashCollectedData>({
      destination: CASH_DESTINATION,
      type: CASH_COLLECTED,
      subject: `instant_order:${order.id}`,
      entityVersion: order.version,
      data: {
        source: { type: 'instant_order', id: order.id, number: order.number },
        courierId: order.courierId,
        amount,
        // The courier sets no price: what the customer paid is what the accepted order calls for.
        expected: amount,
        occurredAt: order.soldAt.toISOString(),
        version: order.version,
      },
    });
  }
}
