import { bitrix24UpsertEvent } from '@app/bitrix24';
import type { FieldError } from '@app/core';
import { EventPublisher } from '@app/events';
import { Injectable } from '@nestjs/common';
import { ReturnBoard } from '../application/ports/return-board.port';
import type { Return } from '../domain/return';
import { RETURN_KIND } from './bitrix24-bindings.module';

/**
 * The item is written by the connector from an upsert request in our outbox: our return id as its external id (the
 * item the courier created is adopted, never doubled), our status as its stage, our number, refund and 1C's number on
 * its fields. Its lines stay as the courier entered them.
 */
@Injectable()
export class Bitrix24ReturnBoard extends ReturnBoard {
  constructor(private readonly publisher: EventPublisher) {
    super();
  }

  async show(entry: Return, options: { readonly adopt?: boolean } = {}): Promise<void> {
    await this.publisher.publish(
      bitrix24UpsertEvent({
        kind: RETURN_KIND,
        externalId: entry.id,
        fields: {
          number: entry.number,
          refund: entry.refundTotal,
          rejectionReason: entry.rejectionReason ?? '',
          onecNumber: entry.onec?.documentNumber ?? '',
        },
        status: entry.status,
        ...(options.adopt && entry.bitrixId !== null ? { adoptBitrixId: entry.bitrixId } : {}),
      }),
    );
  }

  async refuse(returnId: string, bitrixId: string, errors: readonly FieldError[]): Promise<void> {
    await this.publisher.publish(
      bitrix24UpsertEvent({
        kind: RETURN_KIND,
        externalId: returnId,
        fields: { rejectionReason: errors.map((error) => `${error.path}: ${error.message}`).join('; ') },
        status: 'rejected',
        adoptBitrixId: bitrixId,
      }),
    );
  }
}
