import { bitrix24UpsertEvent } from '@app/bitrix24';
import type { FieldError } from '@app/core';
import { EventPublisher } from '@app/events';
import { Injectable } from '@nestjs/common';
import { OrderBoard } from '../application/ports/order-board.port';
import type { InstantOrder } from '../domain/instant-order';
import { INSTANT_ORDER_KIND, REJECTED_STAGE } from '../domain/instant-order-board';

/**
 * The item is written by the connector from an upsert request in our outbox: our order id as its external id (the
 * item the courier created is adopted, never doubled), our status as its stage, our number and 1C's on its fields.
 * Its lines stay as the courier entered them: they are what was checked.
 */
@Injectable()
export class Bitrix24OrderBoard extends OrderBoard {
  constructor(private readonly publisher: EventPublisher) {
    super();
  }

  async show(order: InstantOrder, options: { readonly adopt?: boolean } = {}): Promise<void> {
    await this.publisher.publish(
      bitrix24UpsertEvent({
        kind: INSTANT_ORDER_KIND,
        externalId: order.id,
        fields: {
          number: order.number,
          rejectionReason: order.onec?.reason ?? order.cancelReason ?? '',
          onecNumber: order.onec?.documentNumber ?? '',
        },
        status: order.status,
        ...(options.adopt && order.bitrixId !== null ? { adoptBitrixId: order.bitrixId } : {}),
      }),
    );
  }

  async refuse(orderId: string, bitrixId: string, errors: readonly FieldError[]): Promise<void> {
    await this.publisher.publish(
      bitrix24UpsertEvent({
        kind: INSTANT_ORDER_KIND,
        externalId: orderId,
        fields: { rejectionReason: errors.map((error) => `${error.path}: ${error.message}`).join('; ') },
        status: REJECTED_STAGE,
        adoptBitrixId: bitrixId,
      }),
    );
  }
}
